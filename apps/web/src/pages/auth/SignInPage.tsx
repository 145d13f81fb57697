import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useSearch } from 'wouter';
import { callRaw } from '../../api/client';
import type { ApiError } from '../../api/errors';
import { useSession } from '../../app/session';
import { FormMessage, TextField } from '../../ui/Field';
import { usePageTitle } from '../../ui/usePageTitle';
import { otherErrors, useSubmit } from '../../ui/useSubmit';
import { safeNext } from './next';

export default function SignInPage() {
  const { t } = useTranslation('auth');
  usePageTitle(t('signIn.title'));
  const { refresh } = useSession();
  const [, navigate] = useLocation();
  const next = safeNext(new URLSearchParams(useSearch()).get('next'));
  const [login, setLogin] = useState('');
  const [passphrase, setPassphrase] = useState('');

  const signedIn = async () => {
    await refresh();
    navigate(next, { replace: true });
  };
  const withPassphrase = useSubmit(async () => {
    await callRaw('POST', '/v1/auth/login', { login, passphrase });
    await signedIn();
  });
  const withPasskey = useSubmit(async () => {
    const { startAuthentication } = await import('@simplewebauthn/browser');
    const optionsJSON = await callRaw<Parameters<typeof startAuthentication>[0]['optionsJSON']>('POST', '/v1/auth/passkeys/authentication-options', login ? { login } : {});
    const response = await startAuthentication({ optionsJSON });
    await callRaw('POST', '/v1/auth/passkeys/login', { response });
    await signedIn();
  });

  const describe = (e: ApiError | null) => {
    if (!e) return null;
    if (e.status === 401) return t('signIn.wrong');
    if (e.status === 429) return t('signIn.throttled', { count: e.retryAfterSeconds ?? 60 });
    return otherErrors(e, ['login', 'passphrase']);
  };
  const err = withPassphrase.error;
  return (
    <section className="card auth-card">
      <h1>{t('signIn.title')}</h1>
      <form onSubmit={withPassphrase.onSubmit()} noValidate>
        <FormMessage kind="error">{describe(err)}</FormMessage>
        <TextField
          label={t('signIn.login')}
          name="login"
          autoComplete="username webauthn"
          value={login}
          onChange={(e) => setLogin(e.target.value)}
          errors={err?.forField('login')}
          required
        />
        <TextField
          label={t('signIn.passphrase')}
          name="passphrase"
          type="password"
          autoComplete="current-password"
          value={passphrase}
          onChange={(e) => setPassphrase(e.target.value)}
          errors={err?.forField('passphrase')}
          required
        />
        <div className="actions">
          <button type="submit" className="button-primary" disabled={withPassphrase.busy}>
            {withPassphrase.busy ? t('signIn.signingIn') : t('signIn.submit')}
          </button>
        </div>
      </form>
      <div className="or">
        <span>{t('signIn.or')}</span>
      </div>
      <FormMessage kind="error">{withPasskey.error ? (describe(withPasskey.error) ?? withPasskey.error.message) : null}</FormMessage>
      <button type="button" onClick={() => void withPasskey.run()} disabled={withPasskey.busy}>
        {t('signIn.passkey')}
      </button>
      <p className="hint">{t('signIn.noAccount')}</p>
    </section>
  );
}
