import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useParams } from 'wouter';
import { callRaw } from '../../api/client';
import type { Role } from '../../api/views';
import { useSession } from '../../app/session';
import { useOrgTime } from '../../app/useOrgTime';
import { FormMessage, TextField } from '../../ui/Field';
import { ErrorState, Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { otherErrors, useSubmit } from '../../ui/useSubmit';
import { passphraseProblem } from './passphrase';

interface InvitationInfo {
  organisationName: string;
  memberName: string;
  role: Role;
  expiresAt: string;
}

/** `/invite/:token`: the invited member chooses a login and a passphrase, and is signed in. */
export default function InvitePage() {
  const { t } = useTranslation('auth');
  usePageTitle(t('invite.title'));
  const { token } = useParams<{ token: string }>();
  const { refresh } = useSession();
  const [, navigate] = useLocation();
  const time = useOrgTime();
  const invitation = useLoad(() => callRaw<InvitationInfo>('GET', `/v1/auth/invitations/${encodeURIComponent(token)}`), [token]);
  const [login, setLogin] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [checked, setChecked] = useState(false);

  const local = {
    passphrase: passphraseProblem(passphrase),
    confirm: confirm !== passphrase ? 'mismatch' : null,
  };
  const accept = useSubmit(async () => {
    setChecked(true);
    if (local.passphrase || local.confirm) return;
    await callRaw('POST', `/v1/auth/invitations/${encodeURIComponent(token)}/accept`, { login, passphrase });
    await refresh();
    navigate('/queue', { replace: true });
  });
  const err = accept.error;
  const show = (field: 'passphrase' | 'confirm') => (checked && local[field] ? [t(`invite.problem.${local[field]}`)] : undefined);

  if (invitation.status === 'error' && (invitation.error.status === 404 || invitation.error.status === 410)) {
    return (
      <section className="card auth-card">
        <h1>{t('invite.title')}</h1>
        <div className="state state-error" role="alert">
          <p>{invitation.error.status === 410 ? t('invite.expired') : t('invite.unknown')}</p>
        </div>
      </section>
    );
  }
  return (
    <section className="card auth-card">
      <h1>{t('invite.title')}</h1>
      <Loaded state={invitation}>
        {(inv) => (
          <>
            <p>{t('invite.intro', { organisation: inv.organisationName, name: inv.memberName, role: t(`common:role.${inv.role}`) })}</p>
            <p className="hint">{t('invite.expires', { at: time.dateTime(inv.expiresAt) })}</p>
            <form onSubmit={accept.onSubmit()} noValidate>
              <FormMessage kind="error">{err && err.status !== 400 ? (err.status === 410 ? t('invite.expired') : err.message) : otherErrors(err, ['login', 'passphrase'])}</FormMessage>
              <TextField
                label={t('invite.login')}
                hint={t('invite.loginHint')}
                name="login"
                autoComplete="username"
                value={login}
                onChange={(e) => setLogin(e.target.value)}
                errors={err?.forField('login')}
                required
                minLength={3}
                maxLength={100}
              />
              <TextField
                label={t('invite.passphrase')}
                hint={t('invite.passphraseHint')}
                name="new-passphrase"
                type="password"
                autoComplete="new-password"
                value={passphrase}
                onChange={(e) => setPassphrase(e.target.value)}
                errors={show('passphrase') ?? err?.forField('passphrase')}
                required
                minLength={12}
              />
              <TextField
                label={t('invite.confirm')}
                name="confirm-passphrase"
                type="password"
                autoComplete="new-password"
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
                errors={show('confirm')}
                required
              />
              <div className="actions">
                <button type="submit" className="button-primary" disabled={accept.busy}>
                  {t('invite.submit')}
                </button>
              </div>
            </form>
          </>
        )}
      </Loaded>
      {invitation.status === 'error' && invitation.error.status !== 404 && invitation.error.status !== 410 && <ErrorState error={invitation.error} />}
    </section>
  );
}
