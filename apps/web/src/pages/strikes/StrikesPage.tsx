import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { StrikeState } from '../../api/views';
import { useSignedIn } from '../../app/session';
import { SelectField } from '../../ui/Field';
import { Empty, Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { strikesApi } from './api';
import { StrikeStateBadge, WindowText } from './bits';
import type { OpenMotion, StrikeView } from './types';
import './strikes.css';

const STATES: StrikeState[] = ['proposed', 'approved', 'running', 'ended', 'rejected', 'cancelled'];

/** `/strikes`: the motions waiting for a vote, then every strike by state. */
export default function StrikesPage() {
  const { t } = useTranslation('strikes');
  const { member } = useSignedIn();
  const [state, setState] = useState<StrikeState | ''>('');
  const [pages, setPages] = useState<string[]>([]);
  usePageTitle(t('list.title'));
  const motions = useLoad(() => strikesApi.openMotions().catch(() => [] as OpenMotion[]), []);
  const strikes = useLoad(async () => {
    // Pages already shown stay: "show more" adds the next one.
    const first = await strikesApi.list(state || undefined);
    const items: StrikeView[] = [...first.items];
    let next = first.nextCursor;
    for (let i = 0; i < pages.length; i++) {
      if (!next) break;
      const more = await strikesApi.list(state || undefined, next);
      items.push(...more.items);
      next = more.nextCursor;
    }
    return { items, nextCursor: next };
  }, [state, pages.length]);

  return (
    <>
      <div className="page-head">
        <h1>{t('list.title')}</h1>
        {member.role !== 'viewer' && (
          <Link href="/strikes/new" className="button button-primary">
            {t('list.propose')}
          </Link>
        )}
      </div>

      <section aria-labelledby="open-motions">
        <h2 id="open-motions">{t('list.openMotions')}</h2>
        <Loaded state={motions}>
          {(list) =>
            list.length === 0 ? (
              <Empty>{t('list.noOpenMotions')}</Empty>
            ) : (
              <ul className="list">
                {list.map((m) => (
                  <li key={m.id} className="motion-row">
                    <Link href={`/motions/${m.id}`}>{t(`motionKind.${m.kind}`, { title: m.strikeTitle })}</Link>{' '}
                    <span className="hint">{t('list.voted', { voted: m.votedCount, eligible: m.eligibleCount })}</span>{' '}
                    {m.hasVoted ? <span className="badge">{t('list.youVoted')}</span> : <span className="badge badge-attention">{t('list.yourVoteWaits')}</span>}
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>

      <section aria-labelledby="all-strikes">
        <h2 id="all-strikes">{t('list.all')}</h2>
        <div className="filters">
          <SelectField
            label={t('list.filterState')}
            value={state}
            onChange={(e) => {
              setState(e.target.value as StrikeState | '');
              setPages([]);
            }}
          >
            <option value="">{t('list.anyState')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {t(`state.${s}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <Loaded state={strikes}>
          {(page) =>
            page.items.length === 0 ? (
              <Empty>
                <p>{state ? t('list.emptyState') : t('list.empty')}</p>
              </Empty>
            ) : (
              <>
                <ul className="list strike-list">
                  {page.items.map((s) => (
                    <li key={s.id}>
                      <div className="strike-row-head">
                        <Link href={`/strikes/${s.id}`} className="strike-title">
                          {s.title}
                        </Link>
                        <StrikeStateBadge state={s.state} />
                      </div>
                      <p className="hint">
                        <WindowText from={s.effectiveFrom ?? s.startsAt} until={s.endsAt} /> · {t(`mode.${s.mode}`)} ·{' '}
                        {s.allAccounts ? t('list.allAccounts') : t('list.accounts', { count: s.accountIds.length })}
                      </p>
                      <p className="strike-links">
                        {(s.state === 'running' || s.state === 'approved' || s.state === 'ended') && <Link href={`/strikes/${s.id}/live`}>{t('tabs.live')}</Link>}
                        {(s.state === 'running' || s.state === 'ended') && <Link href={`/strikes/${s.id}/report`}>{t('tabs.report')}</Link>}
                      </p>
                    </li>
                  ))}
                </ul>
                {page.nextCursor && (
                  <button type="button" onClick={() => setPages((p) => [...p, page.nextCursor!])}>
                    {t('common:action.more')}
                  </button>
                )}
              </>
            )
          }
        </Loaded>
      </section>
    </>
  );
}
