import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'wouter';
import type { Account } from '../../api/views';
import { useSignedIn } from '../../app/session';
import { useOrgTime } from '../../app/useOrgTime';
import { fromZonedInput, toZonedInput } from '../../lib/time';
import { Dialog } from '../../ui/Dialog';
import { FormMessage, TextArea, TextField } from '../../ui/Field';
import { Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { otherErrors, useSubmit } from '../../ui/useSubmit';
import { strikesApi } from './api';
import { StrikeStateBadge, StrikeTabs, WindowText } from './bits';
import type { MotionView, StrikeDetailView, StrikeMessageView } from './types';
import './strikes.css';

/** `/strikes/:id`: what the strike is, its motions, and the motions one may open on it. */
export default function StrikePage() {
  const { id } = useParams<{ id: string }>();
  const { t } = useTranslation('strikes');
  const data = useLoad(() => Promise.all([strikesApi.get(id), strikesApi.accounts()]), [id]);
  usePageTitle(data.status === 'ready' ? data.data[0].title : t('strike.title'));
  return <Loaded state={data}>{([strike, accounts]) => <StrikeOverview strike={strike} accounts={accounts} />}</Loaded>;
}

function StrikeOverview({ strike, accounts }: { strike: StrikeDetailView; accounts: Account[] }) {
  const { t } = useTranslation('strikes');
  const { member } = useSignedIn();
  const { dateTime } = useOrgTime();
  const [dialog, setDialog] = useState<'stop' | 'extend' | null>(null);
  const handles = strike.allAccounts ? [t('list.allAccounts')] : strike.accountIds.map((a) => accounts.find((x) => x.id === a)?.handle ?? a);
  const canAct = member.role !== 'viewer';
  const inForce = strike.state === 'approved' || strike.state === 'running';
  const notStarted = strike.state === 'proposed' || (strike.state === 'approved' && !(strike.effectiveFrom && Date.parse(strike.effectiveFrom) <= Date.now()));
  return (
    <>
      <div className="page-head">
        <h1>{strike.title}</h1>
        <StrikeStateBadge state={strike.state} />
      </div>
      <StrikeTabs id={strike.id} current="overview" />
      <div className="card">
        <dl className="facts">
          <dt>{t('field.window')}</dt>
          <dd>
            <WindowText from={strike.effectiveFrom ?? strike.startsAt} until={strike.endsAt} />
          </dd>
          <dt>{t('field.reason')}</dt>
          <dd className="pre">{strike.reason}</dd>
          <dt>{t('field.mode')}</dt>
          <dd>{t(`mode.${strike.mode}`)}</dd>
          <dt>{t('field.scope')}</dt>
          <dd>{handles.join(', ')}</dd>
          <dt>{t('field.heldPolicy')}</dt>
          <dd>{t(`policy.${strike.heldPolicy}`)}</dd>
        </dl>
        {strike.mode === 'occupation' && <Messages strike={strike} />}
      </div>

      {canAct && (
        <div className="actions">
          {notStarted && (
            <Link href={`/strikes/${strike.id}/edit`} className="button">
              {strike.state === 'proposed' ? t('strike.edit') : t('strike.amend')}
            </Link>
          )}
          {inForce && (
            <button type="button" onClick={() => setDialog('stop')}>
              {strike.state === 'running' ? t('strike.stopRunning') : t('strike.cancel')}
            </button>
          )}
          {inForce && (
            <button type="button" onClick={() => setDialog('extend')}>
              {t('strike.extend')}
            </button>
          )}
        </div>
      )}

      <section aria-labelledby="motions-heading">
        <h2 id="motions-heading">{t('strike.motions')}</h2>
        <ul className="list">
          {strike.motions.map((m) => (
            <li key={m.id}>
              <Link href={`/motions/${m.id}`}>{t(`motionKind.${m.kind}`, { title: strike.title })}</Link> <span className={`badge motion-status-${m.status}`}>{t(`motionStatus.${m.status}`)}</span>{' '}
              <span className="hint">{t('strike.openedBy', { name: m.createdBy.name ?? '—', at: dateTime(m.createdAt) })}</span>
            </li>
          ))}
        </ul>
      </section>

      <StopDialog open={dialog === 'stop'} strike={strike} onClose={() => setDialog(null)} />
      <ExtendDialog open={dialog === 'extend'} strike={strike} onClose={() => setDialog(null)} />
    </>
  );
}

function Messages({ strike }: { strike: StrikeDetailView }) {
  const { t } = useTranslation('strikes');
  const one = (label: string, m: StrikeMessageView) => (
    <div className="message-view" key={label}>
      <h3>{label}</h3>
      <p className="pre">{m.text}</p>
      {Object.entries(m.perNetwork).map(([n, text]) => (
        <p key={n} className="pre hint">
          {t('field.variantFor', { network: t(`common:network.${n}`) })}: {text}
        </p>
      ))}
    </div>
  );
  const opening = strike.messages.opening ? JSON.stringify(strike.messages.opening) : null;
  const rotation = strike.messages.rotation.filter((m) => JSON.stringify(m) !== opening);
  return (
    <>
      {strike.messages.opening && one(t('field.opening'), strike.messages.opening)}
      {rotation.map((m, i) => one(t('field.rotationItem', { n: i + 1 }), m))}
      {strike.messages.closing && one(t('field.closing'), strike.messages.closing)}
    </>
  );
}

function StopDialog({ open, strike, onClose }: { open: boolean; strike: StrikeDetailView; onClose: () => void }) {
  const { t } = useTranslation('strikes');
  const [, navigate] = useLocation();
  const [note, setNote] = useState('');
  const send = useSubmit(async () => {
    const motion: MotionView = await strikesApi.stop(strike.id, note.trim() || undefined);
    navigate(`/motions/${motion.id}`);
  });
  return (
    <Dialog open={open} title={strike.state === 'running' ? t('strike.stopRunning') : t('strike.cancel')} onClose={onClose}>
      <form onSubmit={send.onSubmit()} noValidate>
        <p>{t('strike.stopExplain')}</p>
        <FormMessage kind="error">{otherErrors(send.error, ['note'])}</FormMessage>
        <TextArea label={t('strike.stopNote')} value={note} maxLength={2000} rows={3} onChange={(e) => setNote(e.target.value)} errors={send.error?.forField('note')} />
        <div className="actions">
          <button type="submit" className="button-primary" disabled={send.busy}>
            {t('strike.proposeMotion')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ExtendDialog({ open, strike, onClose }: { open: boolean; strike: StrikeDetailView; onClose: () => void }) {
  const { t } = useTranslation('strikes');
  const { timeZone, zone } = useOrgTime();
  const [, navigate] = useLocation();
  const [endsAt, setEndsAt] = useState(() => toZonedInput(new Date(Date.parse(strike.endsAt) + 3_600_000), timeZone));
  const send = useSubmit(async () => {
    const motion = await strikesApi.extend(strike.id, fromZonedInput(endsAt, timeZone) ?? endsAt);
    navigate(`/motions/${motion.id}`);
  });
  return (
    <Dialog open={open} title={t('strike.extend')} onClose={onClose}>
      <form onSubmit={send.onSubmit()} noValidate>
        <p>{t('strike.extendExplain')}</p>
        <FormMessage kind="error">{otherErrors(send.error, ['endsAt'])}</FormMessage>
        <TextField type="datetime-local" label={t('strike.newEnd')} hint={zone()} value={endsAt} onChange={(e) => setEndsAt(e.target.value)} errors={send.error?.forField('endsAt')} />
        <div className="actions">
          <button type="submit" className="button-primary" disabled={send.busy}>
            {t('strike.proposeMotion')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
