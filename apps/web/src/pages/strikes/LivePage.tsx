import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import type { Account } from '../../api/views';
import { useSession } from '../../app/session';
import { useOrgTime } from '../../app/useOrgTime';
import { ErrorState, Loaded, Loading } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { strikesApi } from './api';
import { formatCountdown, StrikeStateBadge, StrikeTabs, useNow } from './bits';
import { SitesInScope } from './SitesInScope';
import type { LiveView, StrikeDetailView } from './types';
import { useLiveStrike } from './useLiveStrike';
import './strikes.css';
import { Handle } from '../../ui/Handle';

/** `/strikes/:id/live`: countdowns, and per account what is held, published, occupied and failed — updated as it happens. */
export default function LivePage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useTranslation('live');
  const base = useLoad(() => Promise.all([strikesApi.get(id), strikesApi.accounts()]), [id]);
  const { live, error, connection, updatedAt } = useLiveStrike(id);
  const { refresh } = useSession();
  const state = live?.state;
  const seenState = useRef(state);
  // The strike's decision ends its motion: when its state moves, the vote banner (from the session)
  // follows at once. The first state seen needs nothing: the session was just read.
  useEffect(() => {
    const before = seenState.current;
    seenState.current = state;
    if (before && state && before !== state) void refresh();
  }, [state, refresh]);
  const { timeWithSeconds } = useOrgTime();
  usePageTitle(base.status === 'ready' ? t('title', { title: base.data[0].title }) : t('titleShort'));
  return (
    <Loaded state={base}>
      {([strike, accounts]) => (
        <>
          <div className="page-head">
            <h1>{t('title', { title: strike.title })}</h1>
            <StrikeStateBadge state={live?.state ?? strike.state} />
          </div>
          <StrikeTabs id={id} current="live" />
          <p className="connection hint" role="status" data-testid="connection">
            {t(`connection.${connection}`)}
            {updatedAt && ` · ${t('updated', { at: timeWithSeconds(new Date(updatedAt)) })}`}
          </p>
          {error && !live ? <ErrorState error={error} /> : live ? <Live live={live} strike={strike} accounts={accounts} /> : <Loading />}
        </>
      )}
    </Loaded>
  );
}

function Countdowns({ live, strike }: { live: LiveView; strike: StrikeDetailView }) {
  const { t } = useTranslation('live');
  const { dateTime } = useOrgTime();
  const now = useNow();
  const start = Date.parse(live.effectiveFrom ?? strike.startsAt);
  const end = Date.parse(live.endsAt);
  const days = (n: number) => t('days', { count: n });
  const ended = live.state === 'ended' || live.state === 'cancelled' || live.state === 'rejected';
  return (
    <div className="countdowns">
      <div className="countdown">
        <span className="countdown-label">{now < start && !ended ? t('startsIn') : t('started')}</span>
        {now < start && !ended ? (
          <span className="countdown-value" role="timer" data-testid="starts-in">
            {formatCountdown(start - now, days)}
          </span>
        ) : null}
        <time dateTime={new Date(start).toISOString()}>{dateTime(new Date(start))}</time>
      </div>
      <div className="countdown">
        <span className="countdown-label">{now < end && !ended ? t('endsIn') : t('ended')}</span>
        {now < end && !ended ? (
          <span className="countdown-value" role="timer" data-testid="ends-in">
            {formatCountdown(end - now, days)}
          </span>
        ) : null}
        <time dateTime={live.endedAt ?? live.endsAt}>{dateTime(live.endedAt ?? live.endsAt)}</time>
      </div>
    </div>
  );
}

function Live({ live, strike, accounts }: { live: LiveView; strike: StrikeDetailView; accounts: Account[] }) {
  const { t } = useTranslation('live');
  const { dateTime } = useOrgTime();
  const ids = strike.allAccounts ? accounts.map((a) => a.id) : strike.accountIds;
  const seen = new Set([...ids, ...live.strikePosts.items.map((p) => p.accountId), ...live.holds.items.map((h) => h.accountId)]);
  const handle = (accountId: string) => accounts.find((a) => a.id === accountId)?.handle ?? accountId;
  const failures = [
    ...live.strikePosts.items.filter((p) => p.state === 'failed').map((p) => ({ key: p.deliveryId, accountId: p.accountId, text: t('failure.post', { role: t(`role.${p.role}`, { defaultValue: p.role }), reason: p.failureReason ?? '—' }) })),
    ...live.occupations.filter((o) => o.lastError).map((o) => ({ key: `o-${o.accountId}`, accountId: o.accountId, text: t('failure.profile', { reason: o.lastError }) })),
  ];
  const review = (live.holds.counts.review ?? 0) + live.nativeScheduled.filter((n) => n.fate === 'review').length;
  return (
    <>
      <Countdowns live={live} strike={strike} />
      <ul className="live-totals" data-testid="live-totals">
        <li>{t('totals.held', { count: live.holds.total })}</li>
        <li>{t('totals.published', { count: live.strikePosts.counts['published'] ?? 0 })}</li>
        <li>{t('totals.scheduled', { count: (live.strikePosts.counts['scheduled'] ?? 0) + (live.strikePosts.counts['publishing'] ?? 0) })}</li>
        <li>{t('totals.failed', { count: failures.length })}</li>
      </ul>
      {live.sites.length > 0 && <SitesInScope sites={live.sites} live headingLevel={2} />}
      {review > 0 && (
        <p className="notice">
          {t('reviewWaiting', { count: review })} <Link href={`/strikes/${strike.id}/held`}>{t('reviewLink')}</Link>
        </p>
      )}

      <section aria-labelledby="failures-heading">
        <h2 id="failures-heading">{t('failures')}</h2>
        {failures.length === 0 ? (
          <p className="hint">{t('noFailures')}</p>
        ) : (
          <ul className="list failures" role="list">
            {failures.map((f) => (
              <li key={f.key}>
                <strong><Handle handle={handle(f.accountId)} /></strong> — {f.text}
              </li>
            ))}
          </ul>
        )}
      </section>

      {[...seen].map((accountId) => {
        const posts = live.strikePosts.items.filter((p) => p.accountId === accountId);
        const holds = live.holds.items.filter((h) => h.accountId === accountId);
        const natives = live.nativeScheduled.filter((n) => n.accountId === accountId);
        const occupation = live.occupations.find((o) => o.accountId === accountId);
        const headingId = `acc-${accountId}`;
        return (
          <section key={accountId} className="card live-account" aria-labelledby={headingId}>
            <h2 id={headingId}><Handle handle={handle(accountId)} /></h2>

            <h3>{t('strikePosts')}</h3>
            {posts.length === 0 ? (
              <p className="hint">{live.state === 'proposed' || live.state === 'approved' ? t('noPostsYet') : t('noPosts')}</p>
            ) : (
              <ul className="live-list" data-testid="strike-posts">
                {posts.map((p) => (
                  <li key={p.deliveryId}>
                    <span className={`badge state-${p.state}`}>{t(`deliveryState.${p.state}`, { defaultValue: p.state })}</span> {t(`role.${p.role}`, { defaultValue: p.role })} ·{' '}
                    <time dateTime={p.publishedAt ?? p.scheduledAt}>{dateTime(p.publishedAt ?? p.scheduledAt)}</time>
                    {p.remoteUrl && (
                      <>
                        {' '}
                        · <a href={p.remoteUrl} target="_blank" rel="noreferrer noopener">{t('openPost')}</a>
                      </>
                    )}
                    {p.failureReason && <span className="field-error"> {p.failureReason}</span>}
                  </li>
                ))}
              </ul>
            )}

            <h3>{t('held')}</h3>
            {holds.length === 0 && natives.length === 0 ? (
              <p className="hint">{t('noHolds')}</p>
            ) : (
              <ul className="live-list" data-testid="holds">
                {holds.map((h) => (
                  <li key={h.id}>
                    <span className={`badge fate-${h.fate}`}>{t(`fate.${h.fate}`)}</span> <span className="quote">{h.text}</span>{' '}
                    <span className="hint">
                      {t('wasDue', { at: dateTime(h.originalScheduledAt) })}
                      {h.newScheduledAt && ` · ${t('returnsAt', { at: dateTime(h.newScheduledAt) })}`}
                      {` · ${t(`deliveryState.${h.deliveryState}`, { defaultValue: h.deliveryState })}`}
                    </span>
                  </li>
                ))}
                {natives.map((n) => (
                  <li key={n.id}>
                    <span className={`badge fate-${n.fate}`}>{t(`fate.${n.fate}`)}</span> <span className="quote">{n.text}</span>{' '}
                    <span className="hint">{t('native', { at: dateTime(n.originalScheduledAt) })}</span>
                  </li>
                ))}
              </ul>
            )}

            {strike.mode === 'occupation' && (
              <>
                <h3>{t('profile')}</h3>
                {occupation ? (
                  <p>
                    {t(`occupy.${occupation.occupyState}`, { defaultValue: occupation.occupyState })}
                    {occupation.restoreState && ` · ${t(`restore.${occupation.restoreState}`, { defaultValue: occupation.restoreState })}`}
                    {occupation.report && typeof occupation.report === 'object' ? (
                      <span className="hint">
                        {' '}
                        ({Object.entries(occupation.report as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`).join(', ')})
                      </span>
                    ) : null}
                  </p>
                ) : (
                  <p className="hint">{strike.profile ? t('profileNotYet') : t('profileNone')}</p>
                )}
              </>
            )}
          </section>
        );
      })}
    </>
  );
}
