import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { useSignedIn } from '../../app/session';
import { useOrgTime } from '../../app/useOrgTime';
import { FormMessage } from '../../ui/Field';
import { Empty, ErrorState, Loaded, Loading } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { useSubmit } from '../../ui/useSubmit';
import { strikesApi } from './api';
import { formatCountdown, StrikeStateBadge, useNow, WindowText } from './bits';
import { draftFromStrike, toEditBody } from './draft';
import { PreviewTimeline } from './PreviewTimeline';
import type { MotionView, StrikeDetailView, StrikePreview, StrikeSpecView } from './types';
import './strikes.css';

const REFRESH_MS = 4000;

/** `/motions/:id`: the proposal, its preview, the rule, who has voted, and this member's vote. */
export default function MotionPage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useTranslation('motion');
  const data = useLoad(async () => {
    const motion = await strikesApi.motion(id);
    return { motion, strike: await strikesApi.get(motion.strikeId) };
  }, [id]);
  usePageTitle(data.status === 'ready' ? t(`kind.${data.data.motion.kind}`, { title: data.data.strike.title }) : t('title'));
  // Other members' votes and a ballot's close arrive without a reload.
  const open = data.status === 'ready' && data.data.motion.status === 'open';
  useEffect(() => {
    if (!open) return;
    const timer = setInterval(data.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [open, data.reload]);
  return <Loaded state={data}>{({ motion, strike }) => <Motion motion={motion} strike={strike} reload={data.reload} />}</Loaded>;
}

function Motion({ motion, strike, reload }: { motion: MotionView; strike: StrikeDetailView; reload: () => void }) {
  const { t } = useTranslation('motion');
  const { member, refresh } = useSignedIn();
  const { dateTime } = useOrgTime();
  const vote = useSubmit(async (choice: 'approve' | 'reject') => {
    await strikesApi.vote(motion.id, choice);
    reload();
    void refresh(); // the vote banner
  });
  const withdraw = useSubmit(async () => {
    await strikesApi.withdraw(motion.id);
    reload();
    void refresh();
  });
  const mine = motion.votes?.find((v) => v.memberId === member.id);
  const secret = motion.rule.ballot === 'secret';
  const byVotes = motion.rule.kind === 'votes';
  const canVote = motion.status === 'open' && byVotes && member.role !== 'viewer';
  return (
    <>
      <div className="page-head">
        <h1>{t(`kind.${motion.kind}`, { title: strike.title })}</h1>
        <span className={`badge motion-status-${motion.status}`}>{t(`status.${motion.status}`)}</span>
      </div>
      <p>
        <Link href={`/strikes/${strike.id}`}>{t('strikeLink', { title: strike.title })}</Link> <StrikeStateBadge state={strike.state} />
      </p>
      <p className="hint">{t('openedBy', { name: motion.createdBy.name ?? '—', at: dateTime(motion.createdAt) })}</p>

      <section aria-labelledby="proposal-heading" className="card">
        <h2 id="proposal-heading">{t('proposal')}</h2>
        <Proposal motion={motion} strike={strike} />
      </section>

      <section aria-labelledby="rule-heading" className="card">
        <h2 id="rule-heading">{t('rule.title')}</h2>
        <Rule motion={motion} />
      </section>

      {byVotes && (
        <section aria-labelledby="votes-heading" className="card">
          <h2 id="votes-heading">{t('votes.title')}</h2>
          <Tally motion={motion} />
          {motion.votes && motion.votes.length > 0 ? (
            <ul className="votes" data-testid="votes">
              {motion.votes.map((v) => (
                <li key={v.memberId}>
                  {v.name ?? '—'} <span className="hint">{t('votes.at', { at: dateTime(v.votedAt) })}</span>
                  {!secret && v.choice && <span className={`badge vote-${v.choice}`}> {t(`choice.${v.choice}`)}</span>}
                  {!v.counts && <span className="hint"> {t('votes.notCounted')}</span>}
                </li>
              ))}
            </ul>
          ) : (
            <Empty>{t('votes.none')}</Empty>
          )}
        </section>
      )}

      {canVote && (
        <section aria-labelledby="my-vote-heading" className="card my-vote">
          <h2 id="my-vote-heading">{t('myVote.title')}</h2>
          <p role="status">
            {mine ? (secret || !mine.choice ? t('myVote.castSecret', { at: dateTime(mine.votedAt) }) : t('myVote.cast', { choice: t(`choice.${mine.choice}`) })) : t('myVote.none')}
          </p>
          {secret && <p className="hint">{t('myVote.secretHint')}</p>}
          <FormMessage kind="error">{vote.error?.message}</FormMessage>
          <div className="actions">
            <button type="button" className="button-primary" disabled={vote.busy} onClick={() => void vote.run('approve')}>
              {t('myVote.approve')}
            </button>
            <button type="button" className="button-danger" disabled={vote.busy} onClick={() => void vote.run('reject')}>
              {t('myVote.reject')}
            </button>
          </div>
          {mine && <p className="hint">{t('myVote.changeable')}</p>}
        </section>
      )}
      {motion.status === 'open' && member.role === 'viewer' && <p className="notice">{t('myVote.viewer')}</p>}

      {motion.status === 'open' && (motion.createdBy.id === member.id || member.role === 'admin') && (
        <div className="actions">
          <FormMessage kind="error">{withdraw.error?.message}</FormMessage>
          <button type="button" className="button-quiet" disabled={withdraw.busy} onClick={() => void withdraw.run()}>
            {t('withdraw')}
          </button>
        </div>
      )}
    </>
  );
}

function Proposal({ motion, strike }: { motion: MotionView; strike: StrikeDetailView }) {
  const { t } = useTranslation('motion');
  const { dateTime } = useOrgTime();
  const p = motion.proposal;
  if (motion.kind === 'stop') {
    const note = p && 'note' in p ? p.note : null;
    return (
      <>
        <p>{strike.state === 'running' ? t('stop.running') : t('stop.cancel')}</p>
        {note && <blockquote className="pre">{note}</blockquote>}
      </>
    );
  }
  if (motion.kind === 'extend' && p && 'endsAt' in p) {
    return <p>{t('extend.to', { from: dateTime(strike.endsAt), to: dateTime(p.endsAt) })}</p>;
  }
  const spec: StrikeSpecView = motion.kind === 'amend' && p && 'spec' in p ? p.spec : strike;
  return (
    <>
      <dl className="facts">
        <dt>{t('fields.window')}</dt>
        <dd>
          <WindowText from={spec.startsAt} until={spec.endsAt} />
        </dd>
        <dt>{t('fields.reason')}</dt>
        <dd className="pre">{spec.reason}</dd>
        <dt>{t('fields.mode')}</dt>
        <dd>{t(`strikes:mode.${spec.mode}`)}</dd>
        <dt>{t('fields.heldPolicy')}</dt>
        <dd>{t(`strikes:policy.${spec.heldPolicy}`)}</dd>
        {spec.messages.opening && (
          <>
            <dt>{t('fields.opening')}</dt>
            <dd className="pre">{spec.messages.opening.text}</dd>
          </>
        )}
      </dl>
      {motion.status === 'open' && (strike.state === 'proposed' || strike.state === 'approved') && <MotionPreview motion={motion} strike={strike} />}
    </>
  );
}

/** What the strike (or the amended strike) will do: the same preview as the composer's. */
function MotionPreview({ motion, strike }: { motion: MotionView; strike: StrikeDetailView }) {
  const { t } = useTranslation('motion');
  const { timeZone } = useOrgTime();
  const preview = useLoad<StrikePreview>(() => {
    const p = motion.proposal;
    if (motion.kind === 'amend' && p && 'spec' in p) {
      const body = toEditBody(draftFromStrike(strike, timeZone), draftFromStrike({ ...strike, ...p.spec }, timeZone), timeZone);
      // An amendment that changes the websites previews them as it would leave them.
      return strikesApi.previewEdit(strike.id, p.sites ? { ...body, sites: p.sites } : body);
    }
    return strikesApi.preview(strike.id);
  }, [motion.id, strike.updatedAt]);
  if (preview.status === 'loading') return <Loading label={t('previewLoading')} />;
  if (preview.status === 'error') return <ErrorState error={preview.error} onRetry={preview.reload} />;
  return <PreviewTimeline preview={preview.data} />;
}

function Rule({ motion }: { motion: MotionView }) {
  const { t } = useTranslation('motion');
  const { dateTime } = useOrgTime();
  const now = useNow();
  const r = motion.rule;
  if (r.kind === 'assembly') {
    const a = motion.assembly;
    return (
      <>
        <p>{t('rule.assembly')}</p>
        {a ? (
          <p>{t('rule.assemblyRecord', { at: dateTime(a.heldAt), for: a.votesFor, against: a.votesAgainst, abstain: a.votesAbstain })}</p>
        ) : (
          <p className="hint">{t('rule.assemblyWaiting')}</p>
        )}
      </>
    );
  }
  const closesAt = motion.closesAt ? Date.parse(motion.closesAt) : null;
  return (
    <>
      <p>{t('rule.votes', { count: r.quorumCount, percent: r.quorumPercent })}</p>
      <p>{r.ballot === 'secret' ? t('rule.secret') : t('rule.named')}</p>
      {closesAt !== null && (
        <p className="ballot-close" data-testid="closes-at">
          {motion.status === 'open' && closesAt > now
            ? t('rule.closesAt', { at: dateTime(motion.closesAt!), in: formatCountdown(closesAt - now, (n) => t('days', { count: n })) })
            : t('rule.closedAt', { at: dateTime(motion.closesAt!) })}
        </p>
      )}
    </>
  );
}

function Tally({ motion }: { motion: MotionView }) {
  const { t } = useTranslation('motion');
  const tally = motion.tally;
  if (!tally) return null;
  const revealed = tally.approvals !== undefined && tally.rejections !== undefined;
  return (
    <div data-testid="tally">
      <p>{t('votes.cast', { cast: tally.cast, eligible: tally.eligible, needed: tally.needed })}</p>
      {revealed ? (
        <p>{t('votes.totals', { approvals: tally.approvals, rejections: tally.rejections })}</p>
      ) : (
        <p className="hint">{motion.closesAt ? t('votes.sealedUntilClose') : t('votes.sealedUntilDecision')}</p>
      )}
      {motion.decidedAt && <p>{t(`decided.${motion.status}`)}</p>}
    </div>
  );
}
