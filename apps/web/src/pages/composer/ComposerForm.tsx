import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, call } from '../../api/client';
import type { Account, Post } from '../../api/views';
import { useOrgTime } from '../../app/useOrgTime';
import { fromZonedInput, toZonedInput } from '../../lib/time';
import { Dialog } from '../../ui/Dialog';
import { FormMessage, TextArea, TextField } from '../../ui/Field';
import { Empty } from '../../ui/States';
import { otherErrors, useSubmit } from '../../ui/useSubmit';
import { DeliveryStatus } from '../queue/DeliveryStatus';
import { counters } from './counters';
import { MediaPicker, type DraftMedia } from './MediaPicker';

const EDITABLE = new Set(['scheduled', 'held']);

/** The next round five minutes, an hour from now: a sensible default time. */
function defaultTime(): Date {
  const d = new Date(Date.now() + 60 * 60_000);
  d.setUTCMinutes(Math.ceil(d.getUTCMinutes() / 5) * 5, 0, 0);
  return d;
}

export function ComposerForm({ accounts, post, onChanged }: { accounts: Account[]; post: Post | null; onChanged: () => void }) {
  const { t } = useTranslation('composer');
  const time = useOrgTime();
  const [, navigate] = useLocation();
  const [text, setText] = useState(post?.text ?? '');
  const [contentWarning, setContentWarning] = useState(post?.contentWarning ?? '');
  const [accountIds, setAccountIds] = useState<string[]>(post ? post.deliveries.map((d) => d.accountId) : accounts.length === 1 ? [accounts[0]!.id] : []);
  const [when, setWhen] = useState(toZonedInput(post?.scheduledAt ?? defaultTime(), time.timeZone));
  const [media, setMedia] = useState<DraftMedia[]>(post ? post.media.map((m) => ({ mediaId: m.mediaId, altText: m.altText, mimeType: m.mimeType, preview: null })) : []);
  const [cancelOpen, setCancelOpen] = useState(false);
  const [cancelReason, setCancelReason] = useState('');
  const [saved, setSaved] = useState<string | null>(null);

  const editable = !post || (!post.strikeId && post.deliveries.some((d) => EDITABLE.has(d.state)));
  const targets = accounts.filter((a) => accountIds.includes(a.id));
  const counts = useMemo(() => counters(targets, text, contentWarning || null), [targets, text, contentWarning]);
  const over = counts.filter((c) => c.over);
  const missingAlt = media.some((m) => !m.altText.trim());
  const scheduledAt = fromZonedInput(when, time.timeZone);
  const byId = new Map(accounts.map((a) => [a.id, a]));

  const content = () => ({
    text,
    contentWarning: contentWarning || null,
    media: media.map((m) => ({ mediaId: m.mediaId, altText: m.altText })),
  });
  const save = useSubmit(async () => {
    setSaved(null);
    if (over.length || missingAlt || !text.trim() || !scheduledAt) return;
    if (!post) {
      const created = await call<Post>(api.POST('/v1/posts', { body: { ...content(), scheduledAt, accountIds } }));
      navigate(`/posts/${created.id}?created=1`);
      return;
    }
    const timeChanged = new Date(scheduledAt).getTime() !== new Date(post.scheduledAt).getTime();
    const c = content();
    const contentChanged =
      c.text !== post.text || c.contentWarning !== post.contentWarning || JSON.stringify(c.media) !== JSON.stringify(post.media.map((m) => ({ mediaId: m.mediaId, altText: m.altText })));
    const path = { params: { path: { id: post.id } } };
    if (contentChanged) await call<Post>(api.PATCH('/v1/posts/{id}', { ...path, body: { ...c, ...(timeChanged ? { scheduledAt } : {}) } }));
    else if (timeChanged) await call<Post>(api.POST('/v1/posts/{id}/reschedule', { ...path, body: { scheduledAt } }));
    setSaved(t('saved'));
    onChanged();
  });
  const cancel = useSubmit(async () => {
    if (!post) return;
    await call<Post>(api.POST('/v1/posts/{id}/cancel', { params: { path: { id: post.id } }, body: cancelReason ? { reason: cancelReason } : {} }));
    setCancelOpen(false);
    onChanged();
  });

  const err = save.error;
  const textErrors = [...over.map((c) => t('overLimit', { handle: c.handle, count: c.length - c.max, max: c.max })), ...(err?.forField('text') ?? [])];
  const timeErrors = [...(!scheduledAt ? [t('timeInvalid')] : []), ...(err?.forField('scheduledAt') ?? [])];
  const blocked = over.length > 0 || missingAlt || !editable;
  const created = new URLSearchParams(window.location.search).has('created');

  if (accounts.length === 0 && !post) {
    return (
      <Empty>
        {t('noAccounts')} <Link href="/accounts">{t('connectOne')}</Link>
      </Empty>
    );
  }
  return (
    <>
      {created && !saved && <FormMessage kind="success">{t('created')}</FormMessage>}
      {post && (
        <section className="card" aria-labelledby="deliveries-title">
          <h2 id="deliveries-title">{t('deliveries')}</h2>
          <ul className="plain">
            {post.deliveries.map((d) => (
              <li key={d.id}>
                <DeliveryStatus delivery={d} account={byId.get(d.accountId)} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <form className="card composer" onSubmit={save.onSubmit()} noValidate aria-describedby={!editable ? 'not-editable' : undefined}>
        {!editable && (
          <p id="not-editable" className="form-message form-error">
            {t('notEditable')}
          </p>
        )}
        <FormMessage kind="error">{otherErrors(err, ['text', 'scheduledAt', 'accountIds', 'media', 'contentWarning'])}</FormMessage>
        <FormMessage kind="success">{saved}</FormMessage>

        <fieldset aria-describedby={err?.forField('accountIds').length ? 'accounts-error' : undefined}>
          <legend>{t('accounts')}</legend>
          {post && <p className="hint">{t('accountsFixed')}</p>}
          {accounts.map((a) => (
            <label key={a.id} className="check">
              <input
                type="checkbox"
                checked={accountIds.includes(a.id)}
                disabled={Boolean(post)}
                onChange={(e) => setAccountIds((ids) => (e.target.checked ? [...ids, a.id] : ids.filter((x) => x !== a.id)))}
              />
              {a.handle} <span className="muted">({t(`common:network.${a.network}`)})</span>
            </label>
          ))}
          {err?.forField('accountIds').length ? (
            <span className="field-error" id="accounts-error">
              {err.forField('accountIds').join(' ')}
            </span>
          ) : null}
        </fieldset>

        <TextField
          label={t('contentWarning')}
          hint={t('contentWarningHint')}
          value={contentWarning}
          onChange={(e) => setContentWarning(e.target.value)}
          errors={err?.forField('contentWarning')}
          maxLength={1000}
        />
        <TextArea label={t('text')} name="text" value={text} onChange={(e) => setText(e.target.value)} errors={textErrors.length ? textErrors : undefined} required />
        {counts.length > 0 && (
          <ul className="counters" aria-label={t('countersLabel')}>
            {counts.map((c) => (
              <li key={c.accountId} className={c.over ? 'counter counter-over' : 'counter'}>
                {t('counter', { handle: c.handle, length: c.length, max: c.max })}
              </li>
            ))}
          </ul>
        )}

        <MediaPicker media={media} onChange={setMedia} errors={err?.forField('media')} maxMedia={Math.min(4, ...targets.map((a) => a.limits.maxMedia))} />

        <TextField
          label={t('when', { zone: time.zone() })}
          type="datetime-local"
          name="scheduledAt"
          value={when}
          onChange={(e) => setWhen(e.target.value)}
          errors={timeErrors.length ? timeErrors : undefined}
          hint={scheduledAt ? t('whenHint', { at: time.dateTime(scheduledAt) }) : undefined}
          required
        />

        <div className="actions">
          <button type="submit" className="button-primary" disabled={blocked || save.busy} aria-describedby={over.length ? 'blocked-why' : undefined}>
            {post ? t('save') : t('schedule')}
          </button>
          {post && editable && (
            <button type="button" className="button-danger" onClick={() => setCancelOpen(true)}>
              {t('cancelPost')}
            </button>
          )}
          {post && (
            <Link href="/queue" className="button">
              {t('backToQueue')}
            </Link>
          )}
        </div>
        {(over.length > 0 || missingAlt) && (
          <p id="blocked-why" className="field-error" role="status">
            {over.length > 0 ? t('blockedOver') : t('blockedAlt')}
          </p>
        )}
      </form>
      <Dialog open={cancelOpen} title={t('cancelTitle')} onClose={() => setCancelOpen(false)}>
        <form onSubmit={cancel.onSubmit()}>
          <p>{t('cancelBody')}</p>
          <FormMessage kind="error">{cancel.error ? cancel.error.message : null}</FormMessage>
          <TextField label={t('cancelReason')} value={cancelReason} onChange={(e) => setCancelReason(e.target.value)} maxLength={500} />
          <div className="actions">
            <button type="submit" className="button-danger" disabled={cancel.busy}>
              {t('cancelConfirm')}
            </button>
            <button type="button" onClick={() => setCancelOpen(false)}>
              {t('common:action.cancel')}
            </button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
