import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { api, call } from '../../api/client';
import { DELIVERY_STATES, type Account, type DeliveryState } from '../../api/views';
import { useOrgTime } from '../../app/useOrgTime';
import { addDays, addMonths, daysToInstants, isDayKey, monthWeeks, today, weekDays } from '../../lib/calendar';
import { SelectField } from '../../ui/Field';
import { Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { MonthView, PostList, WeekView } from './QueueViews';
import { allStrikes, drawnStrikes, postConcernsStrike, postsBetween } from './queueData';

type View = 'week' | 'month' | 'list';
const VIEWS: View[] = ['week', 'month', 'list'];

/** `/queue?view=week&day=2026-12-05&account=…&state=…&strike=…`: every choice is in the URL. */
export default function QueuePage() {
  const { t } = useTranslation('queue');
  usePageTitle(t('title'));
  const time = useOrgTime();
  const [location, navigate] = useLocation();
  const params = new URLSearchParams(useSearch());
  const view: View = VIEWS.includes(params.get('view') as View) ? (params.get('view') as View) : 'week';
  const day = isDayKey(params.get('day')) ? params.get('day')! : today(time.timeZone);
  const accountId = params.get('account') ?? '';
  const state = (DELIVERY_STATES as string[]).includes(params.get('state') ?? '') ? (params.get('state') as DeliveryState) : undefined;
  const strikeId = params.get('strike') ?? '';

  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    navigate(`${location}?${next.toString()}`);
  };

  const days = view === 'week' ? weekDays(day) : view === 'month' ? monthWeeks(day).flat() : [];
  const range = view === 'list' ? { from: new Date().toISOString() } : daysToInstants(days[0]!, days.at(-1)!, time.timeZone);

  const context = useLoad(async () => {
    const [accounts, strikes] = await Promise.all([call<Account[]>(api.GET('/v1/accounts')), allStrikes()]);
    return { accounts, strikes: drawnStrikes(strikes) };
  }, []);
  const posts = useLoad(() => postsBetween({ ...range, ...(accountId ? { accountId } : {}), ...(state ? { state } : {}) }), [view, day, accountId, state, time.timeZone]);

  const step = (n: number) => set({ day: view === 'month' ? addMonths(day, n) : addDays(day, 7 * n) });
  const heading =
    view === 'week'
      ? t('weekOf', { day: new Intl.DateTimeFormat(time.locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${days[0]}T12:00:00Z`)) })
      : view === 'month'
        ? new Intl.DateTimeFormat(time.locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${day.slice(0, 7)}-15T12:00:00Z`))
        : t('upcoming');

  return (
    <>
      <div className="page-head">
        <h1>{t('title')}</h1>
        <Link href="/posts/new" className="button button-primary">
          {t('new')}
        </Link>
      </div>
      <div className="queue-bar">
        <div className="segmented" role="group" aria-label={t('viewLabel')}>
          {VIEWS.map((v) => (
            <button key={v} type="button" aria-pressed={view === v} onClick={() => set({ view: v })}>
              {t(`view.${v}`)}
            </button>
          ))}
        </div>
        {view !== 'list' && (
          <div className="stepper">
            <button type="button" onClick={() => step(-1)}>
              {t(view === 'week' ? 'prevWeek' : 'prevMonth')}
            </button>
            <button type="button" onClick={() => set({ day: undefined })}>
              {t('today')}
            </button>
            <button type="button" onClick={() => step(1)}>
              {t(view === 'week' ? 'nextWeek' : 'nextMonth')}
            </button>
          </div>
        )}
      </div>
      <Loaded state={context}>
        {({ accounts, strikes }) => {
          const byId = new Map(accounts.map((a) => [a.id, a]));
          const strike = strikes.find((s) => s.id === strikeId);
          return (
            <>
              <form className="filters" aria-label={t('filters')} onSubmit={(e) => e.preventDefault()}>
                <SelectField label={t('filterAccount')} value={accountId} onChange={(e) => set({ account: e.target.value })}>
                  <option value="">{t('all')}</option>
                  {accounts.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.handle} ({t(`common:network.${a.network}`)})
                    </option>
                  ))}
                </SelectField>
                <SelectField label={t('filterState')} value={state ?? ''} onChange={(e) => set({ state: e.target.value })}>
                  <option value="">{t('all')}</option>
                  {DELIVERY_STATES.map((s) => (
                    <option key={s} value={s}>
                      {t(`state.${s}`)}
                    </option>
                  ))}
                </SelectField>
                <SelectField label={t('filterStrike')} value={strikeId} onChange={(e) => set({ strike: e.target.value })}>
                  <option value="">{t('all')}</option>
                  {strikes.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.title}
                    </option>
                  ))}
                </SelectField>
              </form>
              <h2 className="queue-heading" aria-live="polite">
                {heading}
              </h2>
              <p className="muted">{t('zone', { zone: time.zone() })}</p>
              <Loaded state={posts}>
                {({ posts: all, complete }) => {
                  const shown = strike ? all.filter((p) => postConcernsStrike(p, strike, byId)) : all;
                  const props = { posts: shown, accounts: byId, strikes: strike ? [strike] : strikes, time };
                  return (
                    <>
                      {!complete && <p className="form-message form-error">{t('truncated')}</p>}
                      {view === 'week' && <WeekView days={days} {...props} />}
                      {view === 'month' && <MonthView weeks={monthWeeks(day)} month={day.slice(0, 7)} {...props} />}
                      {view === 'list' && <PostList {...props} />}
                    </>
                  );
                }}
              </Loaded>
            </>
          );
        }}
      </Loaded>
    </>
  );
}
