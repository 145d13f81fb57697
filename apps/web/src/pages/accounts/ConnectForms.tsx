import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { Account } from '../../api/views';
import { FormMessage, TextField } from '../../ui/Field';
import { otherErrors, useSubmit } from '../../ui/useSubmit';

/**
 * Connect (or reconnect: connecting the same account again updates it) Mastodon and X through OAuth
 * in this browser session, Bluesky with an app password.
 */
export function ConnectForms({ reconnecting, onConnected }: { reconnecting: Account | null; onConnected: (a: Account) => void }) {
  const { t } = useTranslation('accounts');
  const section = useRef<HTMLElement>(null);
  const [instanceUrl, setInstanceUrl] = useState('');
  const [service, setService] = useState('');
  const [identifier, setIdentifier] = useState('');
  const [appPassword, setAppPassword] = useState('');

  // "Reconnect" fills the form of that network and brings it into view and focus.
  useEffect(() => {
    if (!reconnecting) return;
    if (reconnecting.network === 'mastodon') setInstanceUrl(reconnecting.instanceUrl);
    if (reconnecting.network === 'bluesky') {
      setService(reconnecting.instanceUrl);
      setIdentifier(reconnecting.handle.replace(/^@/, ''));
    }
    const target = section.current?.querySelector<HTMLElement>(`[data-network="${reconnecting.network}"] input, [data-network="${reconnecting.network}"] button`);
    target?.focus();
  }, [reconnecting]);

  const mastodon = useSubmit(async () => {
    const r = await call<{ authorizeUrl: string }>(api.POST('/v1/accounts/oauth/mastodon', { body: { instanceUrl } }));
    window.location.assign(r.authorizeUrl);
  });
  const x = useSubmit(async () => {
    const r = await call<{ authorizeUrl: string }>(api.POST('/v1/accounts/oauth/x'));
    window.location.assign(r.authorizeUrl);
  });
  const bluesky = useSubmit(async () => {
    const a = await call<Account>(api.POST('/v1/accounts/bluesky', { body: { identifier, appPassword, ...(service ? { service } : {}) } }));
    setAppPassword('');
    onConnected(a);
  });

  return (
    <section ref={section} className="connect" aria-labelledby="connect-title">
      <h2 id="connect-title">{reconnecting ? t('reconnectTitle', { handle: reconnecting.handle }) : t('connectTitle')}</h2>
      <div className="connect-grid">
        <form className="card" data-network="mastodon" onSubmit={mastodon.onSubmit()} noValidate>
          <h3>{t('mastodon.title')}</h3>
          <p className="hint">{t('mastodon.help')}</p>
          <FormMessage kind="error">{otherErrors(mastodon.error, ['instanceUrl'])}</FormMessage>
          <TextField
            label={t('mastodon.instance')}
            type="url"
            inputMode="url"
            placeholder="https://mastodon.social"
            value={instanceUrl}
            onChange={(e) => setInstanceUrl(e.target.value)}
            errors={mastodon.error?.forField('instanceUrl')}
            required
          />
          <button type="submit" className="button-primary" disabled={mastodon.busy}>
            {t('mastodon.submit')}
          </button>
        </form>
        <form className="card" data-network="x" onSubmit={x.onSubmit()} noValidate>
          <h3>{t('x.title')}</h3>
          <p className="hint">{t('x.help')}</p>
          <FormMessage kind="error">{x.error?.message}</FormMessage>
          <button type="submit" className="button-primary" disabled={x.busy}>
            {t('x.submit')}
          </button>
        </form>
        <form className="card" data-network="bluesky" onSubmit={bluesky.onSubmit()} noValidate>
          <h3>{t('bluesky.title')}</h3>
          <p className="hint">{t('bluesky.help')}</p>
          <FormMessage kind="error">{otherErrors(bluesky.error, ['identifier', 'appPassword', 'service'])}</FormMessage>
          <TextField label={t('bluesky.identifier')} value={identifier} onChange={(e) => setIdentifier(e.target.value)} errors={bluesky.error?.forField('identifier')} autoComplete="off" required />
          <TextField
            label={t('bluesky.appPassword')}
            hint={t('bluesky.appPasswordHint')}
            type="password"
            autoComplete="off"
            value={appPassword}
            onChange={(e) => setAppPassword(e.target.value)}
            errors={bluesky.error?.forField('appPassword')}
            required
          />
          <TextField
            label={t('bluesky.service')}
            hint={t('bluesky.serviceHint')}
            type="url"
            placeholder="https://bsky.social"
            value={service}
            onChange={(e) => setService(e.target.value)}
            errors={bluesky.error?.forField('service')}
          />
          <button type="submit" className="button-primary" disabled={bluesky.busy}>
            {t('bluesky.submit')}
          </button>
        </form>
      </div>
    </section>
  );
}
