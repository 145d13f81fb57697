import { useCallback, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'wouter';
import { ApiError } from '../../api/errors';
import type { Account, Network } from '../../api/views';
import { useSignedIn } from '../../app/session';
import { useOrgTime } from '../../app/useOrgTime';
import { FormMessage, TextArea, TextField } from '../../ui/Field';
import { ErrorState, Loading } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { otherErrors, useSubmit } from '../../ui/useSubmit';
import { counters } from '../composer/counters';
import { openMotionOf, strikesApi } from './api';
import { draftFromStrike, emptyMessage, newDraft, toBody, toEditBody, type Draft, type MessageDraft } from './draft';
import { PreviewTimeline } from './PreviewTimeline';
import { SitesPicker } from './SitesPicker';
import { HELD_POLICIES, NETWORKS, type StrikeDetailView, type StrikePreview } from './types';
import './strikes.css';

const PREVIEW_DELAY_MS = 400;
const MAX_ROTATION = 20;

type PreviewState = { status: 'idle' } | { status: 'loading' } | { status: 'ready'; data: StrikePreview } | { status: 'error'; error: ApiError };

/** `/strikes/new` and `/strikes/:id/edit`: the strike composer with its live preview. */
export default function StrikeComposerPage() {
  const { id } = useParams<{ id?: string }>();
  const { t } = useTranslation('strikes');
  const { timeZone } = useOrgTime();
  const accounts = useLoad(() => strikesApi.accounts(), []);
  const strike = useLoad<StrikeDetailView | null>(() => (id ? strikesApi.get(id) : Promise.resolve(null)), [id]);
  usePageTitle(id ? t('composer.editTitle') : t('composer.newTitle'));

  if (accounts.status === 'loading' || strike.status === 'loading') return <Loading />;
  if (accounts.status === 'error') return <ErrorState error={accounts.error} onRetry={accounts.reload} />;
  if (strike.status === 'error') return <ErrorState error={strike.error} onRetry={strike.reload} />;
  const saved = strike.data;
  if (saved && !['proposed', 'approved'].includes(saved.state)) {
    return (
      <>
        <h1>{t('composer.editTitle')}</h1>
        <p className="state state-empty">{t('composer.notEditable', { state: t(`state.${saved.state}`) })}</p>
        <Link href={`/strikes/${saved.id}`}>{t('composer.backToStrike')}</Link>
      </>
    );
  }
  return <Composer key={id ?? 'new'} accounts={accounts.data} saved={saved} initial={saved ? draftFromStrike(saved, timeZone) : newDraft(new Date(), timeZone)} />;
}

function Composer({ accounts, saved, initial }: { accounts: Account[]; saved: StrikeDetailView | null; initial: Draft }) {
  const { t } = useTranslation('strikes');
  const { member } = useSignedIn();
  const { timeZone, zone } = useOrgTime();
  const [, navigate] = useLocation();
  const [draft, setDraft] = useState<Draft>(initial);
  const [touched, setTouched] = useState<Set<string>>(() => new Set());
  const [showAll, setShowAll] = useState(false);
  const [preview, setPreview] = useState<PreviewState>({ status: 'idle' });
  const set = useCallback(<K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value })), []);
  const touch = (field: string) => () => setTouched((s) => (s.has(field) ? s : new Set(s).add(field)));

  const body = useMemo(() => (saved ? toEditBody(initial, draft, timeZone) : toBody(draft, timeZone)), [saved, initial, draft, timeZone]);

  // The preview follows the form as it is typed: one request per pause, the older one cancelled.
  useEffect(() => {
    const abort = new AbortController();
    setPreview((p) => (p.status === 'ready' ? p : { status: 'loading' }));
    const timer = setTimeout(() => {
      const request = saved ? strikesApi.previewEdit(saved.id, body, abort.signal) : strikesApi.previewDraft(body as never, abort.signal);
      request.then(
        (data) => !abort.signal.aborted && setPreview({ status: 'ready', data }),
        (err: unknown) => !abort.signal.aborted && setPreview({ status: 'error', error: err instanceof ApiError ? err : new ApiError(0, String(err)) }),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [body, saved]);

  const submit = useSubmit(async () => {
    setShowAll(true);
    const result = saved ? await strikesApi.edit(saved.id, body) : await strikesApi.propose(body as never);
    const motion = openMotionOf(result);
    navigate(motion ? `/motions/${motion.id}` : `/strikes/${result.id}`);
  });

  // Field errors: the last send's, else the preview's for the fields already visited.
  const error = submit.error ?? (preview.status === 'error' && preview.error.status === 400 ? preview.error : null);
  const errs = (field: string, exact = false): string[] | undefined => {
    if (!error) return undefined;
    if (!showAll && !submit.error && ![...touched].some((f) => f === field || f.startsWith(`${field}.`) || field.startsWith(`${f}.`))) return undefined;
    const found = exact ? (error.fields[field] ?? []) : error.forField(field);
    return found.length ? found : undefined;
  };
  const shownFields = ['title', 'reason', 'startsAt', 'endsAt', 'accountIds', 'allAccounts', 'mode', 'messages', 'profile', 'heldPolicy', 'resumeSpacingSeconds', 'occupationSpacingSeconds', 'sites'];

  const inScope = draft.scope === 'all' ? accounts : accounts.filter((a) => draft.accountIds.includes(a.id));
  const networks = NETWORKS.filter((n) => inScope.some((a) => a.network === n));
  const canPropose = member.role !== 'viewer';
  const editingApproved = saved?.state === 'approved';

  return (
    <>
      <div className="page-head">
        <h1>{saved ? (editingApproved ? t('composer.amendTitle') : t('composer.editTitle')) : t('composer.newTitle')}</h1>
        <Link href={saved ? `/strikes/${saved.id}` : '/strikes'}>{t('composer.back')}</Link>
      </div>
      {editingApproved && <p className="notice">{t('composer.amendNotice')}</p>}
      {!canPropose && <p className="notice">{t('composer.viewer')}</p>}
      <div className="composer-layout">
        <form className="composer-form" onSubmit={submit.onSubmit()} noValidate aria-describedby="composer-zone">
          <FormMessage kind="error">{submit.error ? otherErrors(submit.error, shownFields) : null}</FormMessage>
          <p id="composer-zone" className="hint">
            {t('composer.zone', { zone: zone() })}
          </p>

          <TextField label={t('field.title')} value={draft.title} onChange={(e) => set('title', e.target.value)} onBlur={touch('title')} errors={errs('title')} maxLength={200} required />
          <TextArea label={t('field.reason')} hint={t('field.reasonHint')} value={draft.reason} onChange={(e) => set('reason', e.target.value)} onBlur={touch('reason')} errors={errs('reason')} rows={3} />

          <fieldset>
            <legend>{t('field.window')}</legend>
            <div className="two-up">
              <TextField type="datetime-local" label={t('field.startsAt')} value={draft.startsAt} onChange={(e) => set('startsAt', e.target.value)} onBlur={touch('startsAt')} errors={errs('startsAt')} required />
              <TextField type="datetime-local" label={t('field.endsAt')} value={draft.endsAt} onChange={(e) => set('endsAt', e.target.value)} onBlur={touch('endsAt')} errors={errs('endsAt')} required />
            </div>
          </fieldset>

          <ChoiceGroup legend={t('field.scope')} errors={errs('accountIds') ?? errs('allAccounts')}>
            <label className="check">
              <input type="radio" name="scope" checked={draft.scope === 'all'} onChange={() => set('scope', 'all')} onBlur={touch('accountIds')} />
              {t('field.scopeAll', { count: accounts.length })}
            </label>
            <label className="check">
              <input type="radio" name="scope" checked={draft.scope === 'list'} onChange={() => set('scope', 'list')} onBlur={touch('accountIds')} />
              {t('field.scopeList')}
            </label>
            {draft.scope === 'list' && (
              <ul className="account-choices">
                {accounts.length === 0 && <li className="hint">{t('field.noAccounts')}</li>}
                {accounts.map((a) => (
                  <li key={a.id}>
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={draft.accountIds.includes(a.id)}
                        onChange={(e) => set('accountIds', e.target.checked ? [...draft.accountIds, a.id] : draft.accountIds.filter((x) => x !== a.id))}
                        onBlur={touch('accountIds')}
                      />
                      {a.handle} <span className="hint">({t(`common:network.${a.network}`)})</span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </ChoiceGroup>

          <SitesPicker value={draft.sites} onChange={(sites) => set('sites', sites)} errors={(field) => errs(field)} />

          <ChoiceGroup legend={t('field.mode')} errors={errs('mode')}>
            {(['occupation', 'silence'] as const).map((m) => (
              <label className="check" key={m}>
                <input type="radio" name="mode" checked={draft.mode === m} onChange={() => set('mode', m)} />
                <span>
                  <strong>{t(`mode.${m}`)}</strong> — <span className="hint">{t(`mode.${m}Hint`)}</span>
                </span>
              </label>
            ))}
          </ChoiceGroup>

          {draft.mode === 'occupation' && (
            <fieldset>
              <legend>{t('field.messages')}</legend>
              <MessageEditor
                field="messages.opening"
                label={t('field.opening')}
                hint={t('field.openingHint')}
                message={draft.opening}
                onChange={(m) => set('opening', m)}
                accounts={inScope}
                networks={networks}
                errs={errs}
                onBlur={touch}
              />
              {draft.rotation.map((m, i) => (
                <div className="rotation-item" key={i}>
                  <MessageEditor
                    field={`messages.rotation.${i}`}
                    label={t('field.rotationItem', { n: i + 1 })}
                    message={m}
                    onChange={(next) => set('rotation', draft.rotation.map((x, j) => (j === i ? next : x)))}
                    accounts={inScope}
                    networks={networks}
                    errs={errs}
                    onBlur={touch}
                  />
                  <button type="button" className="button-quiet" onClick={() => set('rotation', draft.rotation.filter((_, j) => j !== i))}>
                    {t('field.removeRotation', { n: i + 1 })}
                  </button>
                </div>
              ))}
              <p className="hint">{t('field.rotationHint')}</p>
              {draft.rotation.length < MAX_ROTATION && (
                <button type="button" onClick={() => set('rotation', [...draft.rotation, emptyMessage()])}>
                  {t('field.addRotation')}
                </button>
              )}
              <label className="check">
                <input type="checkbox" checked={draft.closingOn} onChange={(e) => set('closingOn', e.target.checked)} />
                {t('field.closingOn')}
              </label>
              {draft.closingOn && (
                <MessageEditor field="messages.closing" label={t('field.closing')} message={draft.closing} onChange={(m) => set('closing', m)} accounts={inScope} networks={networks} errs={errs} onBlur={touch} />
              )}
              <TextField
                type="number"
                inputMode="decimal"
                min={0}
                step="any"
                label={t('field.occupationSpacing')}
                hint={t('field.occupationSpacingHint')}
                value={draft.occupationSpacingMinutes}
                onChange={(e) => set('occupationSpacingMinutes', e.target.value)}
                onBlur={touch('occupationSpacingSeconds')}
                errors={errs('occupationSpacingSeconds')}
              />
            </fieldset>
          )}

          {draft.mode === 'occupation' && (
            <fieldset>
              <legend>{t('field.profile')}</legend>
              <label className="check">
                <input type="checkbox" checked={draft.profileOn} onChange={(e) => set('profileOn', e.target.checked)} />
                {t('field.profileOn')}
              </label>
              <FormMessage kind="error">{errs('profile', true)?.join(' ')}</FormMessage>
              {draft.profileOn && (
                <>
                  <div className="two-up">
                    <TextField label={t('field.prefix')} hint={t('field.prefixHint')} value={draft.displayNamePrefix} maxLength={30} onChange={(e) => set('displayNamePrefix', e.target.value)} onBlur={touch('profile.displayNamePrefix')} errors={errs('profile.displayNamePrefix')} />
                    <TextField label={t('field.suffix')} hint={t('field.suffixHint')} value={draft.displayNameSuffix} maxLength={30} onChange={(e) => set('displayNameSuffix', e.target.value)} onBlur={touch('profile.displayNameSuffix')} errors={errs('profile.displayNameSuffix')} />
                  </div>
                  <TextArea label={t('field.bio')} value={draft.bio} maxLength={500} rows={3} onChange={(e) => set('bio', e.target.value)} onBlur={touch('profile.bio')} errors={errs('profile.bio')} />
                  <label className="check">
                    <input type="checkbox" checked={draft.pinOpening} onChange={(e) => set('pinOpening', e.target.checked)} />
                    {t('field.pinOpening')}
                  </label>
                  <p className="hint">{t('field.profileImages')}</p>
                </>
              )}
            </fieldset>
          )}

          <ChoiceGroup legend={t('field.heldPolicy')} errors={errs('heldPolicy')}>
            {HELD_POLICIES.map((p) => (
              <label className="check" key={p}>
                <input type="radio" name="heldPolicy" checked={draft.heldPolicy === p} onChange={() => set('heldPolicy', p)} />
                <span>
                  <strong>{t(`policy.${p}`)}</strong> — <span className="hint">{t(`policy.${p}Hint`)}</span>
                </span>
              </label>
            ))}
            {draft.heldPolicy === 'resume' && (
              <TextField
                type="number"
                inputMode="decimal"
                min={0}
                step="any"
                label={t('field.resumeSpacing')}
                hint={t('field.resumeSpacingHint')}
                value={draft.resumeSpacingMinutes}
                onChange={(e) => set('resumeSpacingMinutes', e.target.value)}
                onBlur={touch('resumeSpacingSeconds')}
                errors={errs('resumeSpacingSeconds')}
              />
            )}
          </ChoiceGroup>

          <div className="actions">
            <button type="submit" className="button-primary" disabled={submit.busy || !canPropose}>
              {submit.busy ? t('composer.sending') : saved ? (editingApproved ? t('composer.proposeAmend') : t('composer.save')) : t('composer.propose')}
            </button>
          </div>
          <p className="hint">{saved ? t('composer.editVotesHint') : t('composer.proposeHint')}</p>
        </form>

        {/* Focusable: at wide widths the preview scrolls on its own, and keyboard users must reach it. */}
        <aside className="composer-preview" aria-labelledby="preview-heading" tabIndex={0}>
          <h2 id="preview-heading">{t('preview.heading')}</h2>
          <PreviewPanel state={preview} />
        </aside>
      </div>
    </>
  );
}

function PreviewPanel({ state }: { state: PreviewState }) {
  const { t } = useTranslation('strikes');
  if (state.status === 'idle' || state.status === 'loading') return <Loading label={t('preview.loading')} />;
  if (state.status === 'error') {
    if (state.error.status === 400) {
      const items = Object.entries(state.error.fields);
      return (
        <div className="state state-empty" data-testid="preview-needs">
          <p>{t('preview.needs')}</p>
          <ul>
            {items.length ? items.map(([field, msgs]) => <li key={field}>{`${t(`fieldName.${field.split('.')[0]}`, { defaultValue: field })}: ${msgs.join(' ')}`}</li>) : <li>{state.error.message}</li>}
          </ul>
        </div>
      );
    }
    return <ErrorState error={state.error} />;
  }
  const c = state.data.counts;
  return (
    <>
      <p className="visually-hidden" role="status">
        {t('preview.summary', { held: c.held, strikePosts: c.strikePosts, returns: c.returns })}
      </p>
      <PreviewTimeline preview={state.data} />
    </>
  );
}

/** Radios or checkboxes with their legend and the API's messages for the group. */
function ChoiceGroup({ legend, errors, children }: { legend: string; errors?: string[]; children: ReactNode }) {
  const id = useId();
  return (
    <fieldset className={errors ? 'field-invalid' : undefined} aria-describedby={errors ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {children}
      {errors && (
        <span className="field-error" id={`${id}-error`}>
          {errors.join(' ')}
        </span>
      )}
    </fieldset>
  );
}

interface MessageEditorProps {
  field: string;
  label: string;
  hint?: string;
  message: MessageDraft;
  onChange: (m: MessageDraft) => void;
  accounts: Account[];
  networks: Network[];
  errs: (field: string, exact?: boolean) => string[] | undefined;
  onBlur: (field: string) => () => void;
}

/** One strike message: its text with a counter per account (the server's counting code), a content warning, per-network texts. */
function MessageEditor({ field, label, hint, message, onChange, accounts, networks, errs, onBlur }: MessageEditorProps) {
  const { t } = useTranslation('strikes');
  const [variantsOpen, setVariantsOpen] = useState(Object.keys(message.variants).length > 0);
  const textErrors = [...(errs(field, true) ?? []), ...(errs(`${field}.text`) ?? [])];
  const cw = message.contentWarning || null;
  return (
    <div className="message-editor">
      <TextArea label={label} hint={hint} value={message.text} rows={4} onChange={(e) => onChange({ ...message, text: e.target.value })} onBlur={onBlur(`${field}.text`)} errors={textErrors.length ? textErrors : undefined} />
      <Counters accounts={accounts.filter((a) => !message.variants[a.network]?.trim())} text={message.text} contentWarning={cw} />
      <TextField label={t('field.contentWarning')} value={message.contentWarning} maxLength={1000} onChange={(e) => onChange({ ...message, contentWarning: e.target.value })} onBlur={onBlur(`${field}.contentWarning`)} errors={errs(`${field}.contentWarning`)} />
      {networks.length > 0 && (
        <button type="button" className="button-quiet" aria-expanded={variantsOpen} onClick={() => setVariantsOpen((o) => !o)}>
          {t('field.variants')}
        </button>
      )}
      {variantsOpen &&
        networks.map((n) => (
          <div key={n}>
            <TextArea
              label={t('field.variantFor', { network: t(`common:network.${n}`) })}
              hint={t('field.variantHint')}
              rows={3}
              value={message.variants[n] ?? ''}
              onChange={(e) => onChange({ ...message, variants: { ...message.variants, [n]: e.target.value } })}
              onBlur={onBlur(`${field}.perNetwork.${n}`)}
              errors={errs(`${field}.perNetwork.${n}`)}
            />
            {message.variants[n]?.trim() && <Counters accounts={accounts.filter((a) => a.network === n)} text={message.variants[n]} contentWarning={cw} />}
          </div>
        ))}
    </div>
  );
}

function Counters({ accounts, text, contentWarning }: { accounts: Account[]; text: string; contentWarning: string | null }) {
  const { t } = useTranslation('strikes');
  if (accounts.length === 0) return null;
  return (
    <ul className="counters" aria-label={t('field.counters')}>
      {counters(accounts, text, contentWarning).map((c) => (
        <li key={c.accountId} className={c.over ? 'counter counter-over' : 'counter'}>
          {t(c.over ? 'field.counterOver' : 'field.counter', { handle: c.handle, length: c.length, max: c.max })}
        </li>
      ))}
    </ul>
  );
}
