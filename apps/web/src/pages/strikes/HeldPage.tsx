import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { ApiError } from '../../api/errors';
import type { Account } from '../../api/views';
import { useSignedIn } from '../../app/session';
import { useOrgTime } from '../../app/useOrgTime';
import { FormMessage, SelectField } from '../../ui/Field';
import { Empty, Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { strikesApi } from './api';
import { StrikeStateBadge, StrikeTabs } from './bits';
import type { HoldFate, HoldView, NativeHoldView } from './types';
import './strikes.css';
import { Handle } from '../../ui/Handle';

const FATES: HoldFate[] = ['review', 'pending', 'resumed', 'shifted', 'dropped'];

interface Row {
  id: string;
  native: boolean;
  accountId: string;
  text: string;
  originalScheduledAt: string;
  fate: HoldFate;
  newScheduledAt: string | null;
}

const fromHold = (h: HoldView): Row => ({ id: h.id, native: false, accountId: h.accountId, text: h.text, originalScheduledAt: h.originalScheduledAt, fate: h.fate, newScheduledAt: h.newScheduledAt });
const fromNative = (n: NativeHoldView): Row => ({ id: n.id, native: true, accountId: n.accountId, text: n.text, originalScheduledAt: n.originalScheduledAt, fate: n.fate, newScheduledAt: n.newScheduledAt });

/** `/strikes/:id/held`: the held posts; those waiting for review are resumed or dropped, one or many at once. */
export default function HeldPage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useTranslation('strikes');
  const [fate, setFate] = useState<HoldFate | ''>('review');
  // Kept here, not in the table: the list reloads after a decision (emptied, once every post is
  // reviewed), and the member must still read what was done.
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const data = useLoad(async () => {
    const [strike, accounts, live] = await Promise.all([strikesApi.get(id), strikesApi.accounts(), strikesApi.live(id)]);
    const rows: Row[] = [];
    let cursor: string | undefined;
    do {
      const page = await strikesApi.holds(id, fate || undefined, cursor);
      rows.push(...page.items.map(fromHold));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && rows.length < 5000);
    rows.push(...live.nativeScheduled.filter((n) => !fate || n.fate === fate).map(fromNative));
    rows.sort((a, b) => a.originalScheduledAt.localeCompare(b.originalScheduledAt));
    return { strike, accounts, rows };
  }, [id, fate]);
  usePageTitle(data.status === 'ready' ? t('held.title', { title: data.data.strike.title }) : t('held.titleShort'));
  return (
    <Loaded state={data}>
      {({ strike, accounts, rows }) => (
        <>
          <div className="page-head">
            <h1>{t('held.title', { title: strike.title })}</h1>
            <StrikeStateBadge state={strike.state} />
          </div>
          <StrikeTabs id={id} current="held" />
          <p className="hint">{t(`held.policy.${strike.heldPolicy}`)}</p>
          <div className="filters">
            <SelectField label={t('held.filter')} value={fate} onChange={(e) => setFate(e.target.value as HoldFate | '')}>
              {FATES.map((f) => (
                <option key={f} value={f}>
                  {t(`held.fate.${f}`)}
                </option>
              ))}
              <option value="">{t('held.fateAll')}</option>
            </SelectField>
          </div>
          <p role="status" className="held-outcome">
            {outcome && t(outcome.action === 'resume' ? 'held.resumedCount' : 'held.droppedCount', { count: outcome.done })}
          </p>
          {outcome && outcome.errors.length > 0 && <FormMessage kind="error">{outcome.errors.join(' · ')}</FormMessage>}
          <HeldTable
            rows={rows}
            accounts={accounts}
            reviewable={fate === 'review'}
            onStart={() => setOutcome(null)}
            onDone={(o) => {
              setOutcome(o);
              data.reload();
            }}
          />
        </>
      )}
    </Loaded>
  );
}

interface Outcome {
  done: number;
  action: 'resume' | 'drop';
  errors: string[];
}

function HeldTable(props: { rows: Row[]; accounts: Account[]; reviewable: boolean; onStart: () => void; onDone: (outcome: Outcome) => void }) {
  const { rows, accounts, reviewable, onStart, onDone } = props;
  const { t } = useTranslation('strikes');
  const { member } = useSignedIn();
  const { dateTime } = useOrgTime();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const may = member.role === 'admin' || member.role === 'community_manager';
  const handle = (accountId: string) => accounts.find((a) => a.id === accountId)?.handle ?? accountId;

  if (rows.length === 0) return <Empty>{reviewable ? t('held.noneReview') : t('held.none')}</Empty>;

  const act = async (action: 'resume' | 'drop', targets: Row[]) => {
    setBusy(true);
    onStart();
    const errors: string[] = [];
    let done = 0;
    // One at a time: each decision is its own request, and a refusal names its post.
    for (const row of targets) {
      try {
        await (action === 'resume' ? strikesApi.resumeHold(row.id, row.native) : strikesApi.dropHold(row.id, row.native));
        done++;
      } catch (err) {
        errors.push(`${row.text.slice(0, 40)}: ${err instanceof ApiError ? err.message : String(err)}`);
      }
    }
    setBusy(false);
    setSelected(new Set());
    onDone({ done, action, errors });
  };
  const chosen = rows.filter((r) => selected.has(r.id));
  const allChosen = chosen.length === rows.length;
  const canReview = reviewable && may;

  return (
    <>
      {reviewable && !may && <p className="notice">{t('held.roleNeeded')}</p>}
      {canReview && (
        <div className="actions bulk-actions">
          <button type="button" className="button-primary" disabled={busy || chosen.length === 0} onClick={() => void act('resume', chosen)}>
            {t('held.resumeSelected', { count: chosen.length })}
          </button>
          <button type="button" className="button-danger" disabled={busy || chosen.length === 0} onClick={() => void act('drop', chosen)}>
            {t('held.dropSelected', { count: chosen.length })}
          </button>
        </div>
      )}
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('held.caption', { count: rows.length })}>
        <table>
          <caption className="visually-hidden">{t('held.caption', { count: rows.length })}</caption>
          <thead>
            <tr>
              {canReview && (
                <th scope="col">
                  <input type="checkbox" aria-label={t('held.selectAll')} checked={allChosen} onChange={() => setSelected(allChosen ? new Set() : new Set(rows.map((r) => r.id)))} />
                </th>
              )}
              <th scope="col">{t('held.post')}</th>
              <th scope="col">{t('held.account')}</th>
              <th scope="col">{t('held.wasDue')}</th>
              <th scope="col">{t('held.fateCol')}</th>
              {canReview && <th scope="col">{t('held.decide')}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                {canReview && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={t('held.select', { text: r.text.slice(0, 60) })}
                      checked={selected.has(r.id)}
                      onChange={(e) => {
                        const next = new Set(selected);
                        if (e.target.checked) next.add(r.id);
                        else next.delete(r.id);
                        setSelected(next);
                      }}
                    />
                  </td>
                )}
                <td className="pre">
                  {r.text}
                  {r.native && <span className="hint"> {t('held.native')}</span>}
                </td>
                <td><Handle handle={handle(r.accountId)} /></td>
                <td>
                  <time dateTime={r.originalScheduledAt}>{dateTime(r.originalScheduledAt)}</time>
                </td>
                <td>
                  {t(`held.fate.${r.fate}`)}
                  {r.newScheduledAt && <span className="hint"> · {dateTime(r.newScheduledAt)}</span>}
                </td>
                {canReview && (
                  <td className="row-actions">
                    <button type="button" disabled={busy} onClick={() => void act('resume', [r])} aria-label={t('held.resumeOne', { text: r.text.slice(0, 60) })}>
                      {t('held.resume')}
                    </button>
                    <button type="button" className="button-danger" disabled={busy} onClick={() => void act('drop', [r])} aria-label={t('held.dropOne', { text: r.text.slice(0, 60) })}>
                      {t('held.drop')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
