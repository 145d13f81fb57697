import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { Account } from '../../api/views';
import { useOrgTime } from '../../app/useOrgTime';
import { Dialog } from '../../ui/Dialog';
import { FormMessage } from '../../ui/Field';
import { useSubmit } from '../../ui/useSubmit';
import { capabilityRows } from './capabilities';
import { Handle } from '../../ui/Handle';

export function AccountCard({ account: a, canManage, onReconnect, onDisconnected }: { account: Account; canManage: boolean; onReconnect: () => void; onDisconnected: (message: string) => void }) {
  const { t } = useTranslation('accounts');
  const time = useOrgTime();
  const [confirm, setConfirm] = useState(false);
  const needsReconnect = a.status !== 'active';
  const disconnect = useSubmit(async () => {
    const r = await call<{ cancelledDeliveries: number }>(api.DELETE('/v1/accounts/{id}', { params: { path: { id: a.id } } }));
    setConfirm(false);
    onDisconnected(t('disconnected', { handle: a.handle, count: r?.cancelledDeliveries ?? 0 }));
  });
  const caps = capabilityRows(a.capabilities);
  const titleId = `account-${a.id}`;
  return (
    <article className="card account" aria-labelledby={titleId}>
      <h2 id={titleId} className="account-title">
        <Handle handle={a.handle} /> <span className="muted">· {t(`common:network.${a.network}`)}</span>
      </h2>
      <p className="muted">
        {a.displayName && <>{a.displayName} · </>}
        {a.profileUrl ? (
          <a href={a.profileUrl} rel="noreferrer noopener" target="_blank">
            {a.instanceUrl}
          </a>
        ) : (
          a.instanceUrl
        )}
      </p>
      <p>
        {needsReconnect ? (
          <span className="badge state-failed">{t('needsReconnect')}</span>
        ) : (
          <span className="badge state-published">{t('active')}</span>
        )}
        {a.rateLimitedUntil && <span className="muted"> {t('rateLimited', { at: time.dateTime(a.rateLimitedUntil) })}</span>}
      </p>
      {needsReconnect && (
        <div className="form-message form-error">
          <p>{a.statusReason ? t('reason', { reason: a.statusReason }) : t('needsReconnectHelp')}</p>
          {canManage && (
            <button type="button" className="button-primary" onClick={onReconnect}>
              {t('reconnect', { handle: a.handle })}
            </button>
          )}
        </div>
      )}
      <p className="muted">{t('limits', { max: a.limits.maxCharacters, count: a.limits.maxMedia })}</p>
      {caps && (
        <details className="capabilities">
          <summary>{t('capabilities.title')}</summary>
          {caps.length === 0 ? (
            <p className="muted">{t('capabilities.none')}</p>
          ) : (
            <ul className="plain">
              {caps.map((c) => (
                <li key={c.key}>
                  <span className={`badge ${c.support === 'yes' ? 'state-published' : c.support === 'no' ? 'state-failed' : 'state-cancelled'}`}>{t(`capabilities.support.${c.support}`)}</span>{' '}
                  {t(`capabilities.feature.${c.key}`, { defaultValue: c.key })}
                  {c.detail && <span className="muted"> — {c.detail}</span>}
                </li>
              ))}
            </ul>
          )}
        </details>
      )}
      {canManage && (
        <div className="actions">
          <button type="button" className="button-danger" onClick={() => setConfirm(true)}>
            {t('disconnect', { handle: a.handle })}
          </button>
        </div>
      )}
      <Dialog open={confirm} title={t('disconnectTitle', { handle: a.handle })} onClose={() => setConfirm(false)}>
        <p>{t('disconnectBody')}</p>
        <FormMessage kind="error">{disconnect.error?.message}</FormMessage>
        <div className="actions">
          <button type="button" className="button-danger" aria-disabled={disconnect.busy || undefined} onClick={() => void disconnect.run()}>
            {t('disconnectConfirm')}
          </button>
          <button type="button" onClick={() => setConfirm(false)}>
            {t('common:action.cancel')}
          </button>
        </div>
      </Dialog>
    </article>
  );
}
