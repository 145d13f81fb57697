import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { callRaw } from '../../api/client';
import type { Passkey, SessionInfo } from '../../api/views';
import { LanguageSwitch } from '../../app/LanguageSwitch';
import { useSignedIn } from '../../app/session';
import { useOrgTime } from '../../app/useOrgTime';
import { FormMessage, TextField } from '../../ui/Field';
import { Empty, Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { useSubmit } from '../../ui/useSubmit';
import { describeUserAgent } from './user-agent';

/** `/me`: the member's sessions (end any), passkeys (add, remove) and language. */
export default function MePage() {
  const { t } = useTranslation('me');
  usePageTitle(t('title'));
  const { member } = useSignedIn();
  return (
    <>
      <h1>{t('title')}</h1>
      <p>{t('intro', { name: member.name, role: t(`common:role.${member.role}`) })}</p>
      <section className="card" aria-labelledby="language-title">
        <h2 id="language-title">{t('language.title')}</h2>
        <p className="hint">{t('language.help')}</p>
        <LanguageSwitch />
      </section>
      <Sessions />
      <Passkeys />
    </>
  );
}

function Sessions() {
  const { t } = useTranslation('me');
  const time = useOrgTime();
  const { refresh } = useSignedIn();
  const [, navigate] = useLocation();
  const sessions = useLoad(() => callRaw<SessionInfo[]>('GET', '/v1/auth/sessions'), []);
  const end = useSubmit(async (s: SessionInfo) => {
    await callRaw('DELETE', `/v1/auth/sessions/${s.id}`);
    if (s.current) {
      await refresh();
      navigate('/signin');
      return;
    }
    sessions.reload();
  });
  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t('sessions.title')}</h2>
      <p className="hint">{t('sessions.help')}</p>
      <FormMessage kind="error">{end.error?.message}</FormMessage>
      <Loaded state={sessions}>
        {(list) =>
          list.length === 0 ? (
            <Empty>{t('sessions.empty')}</Empty>
          ) : (
            <ul className="plain">
              {list.map((s) => (
                <li key={s.id} className="row">
                  <span>
                    <strong>{describeUserAgent(s.userAgent) ?? t('sessions.unknownDevice')}</strong>
                    {s.current && <span className="badge state-published"> {t('sessions.current')}</span>}
                    <br />
                    <span className="muted">{t('sessions.times', { created: time.dateTime(s.createdAt), seen: time.dateTime(s.lastSeenAt) })}</span>
                  </span>
                  <button type="button" className="button-danger" disabled={end.busy} onClick={() => void end.run(s)}>
                    {s.current ? t('sessions.endCurrent') : t('sessions.end', { device: describeUserAgent(s.userAgent) ?? t('sessions.unknownDevice') })}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

function Passkeys() {
  const { t } = useTranslation('me');
  const time = useOrgTime();
  const passkeys = useLoad(() => callRaw<Passkey[]>('GET', '/v1/auth/passkeys'), []);
  const [name, setName] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const add = useSubmit(async () => {
    setAdded(null);
    const { startRegistration } = await import('@simplewebauthn/browser');
    const optionsJSON = await callRaw<Parameters<typeof startRegistration>[0]['optionsJSON']>('POST', '/v1/auth/passkeys/registration-options');
    const response = await startRegistration({ optionsJSON });
    const created = await callRaw<Passkey>('POST', '/v1/auth/passkeys', { response, name: name || t('passkeys.defaultName') });
    setAdded(t('passkeys.added', { name: created.name }));
    setName('');
    passkeys.reload();
  });
  const remove = useSubmit(async (p: Passkey) => {
    await callRaw('DELETE', `/v1/auth/passkeys/${p.id}`);
    passkeys.reload();
  });
  return (
    <section className="card" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">{t('passkeys.title')}</h2>
      <p className="hint">{t('passkeys.help')}</p>
      <FormMessage kind="error">{remove.error?.message}</FormMessage>
      <Loaded state={passkeys}>
        {(list) =>
          list.length === 0 ? (
            <Empty>{t('passkeys.empty')}</Empty>
          ) : (
            <ul className="plain">
              {list.map((p) => (
                <li key={p.id} className="row">
                  <span>
                    <strong>{p.name}</strong> <span className="muted">{t('passkeys.since', { at: time.dateTime(p.createdAt) })}</span>
                  </span>
                  <button type="button" className="button-danger" disabled={remove.busy} onClick={() => void remove.run(p)}>
                    {t('passkeys.remove', { name: p.name })}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <form className="inline-form" onSubmit={add.onSubmit()} noValidate>
        <FormMessage kind="error">{add.error ? add.error.forField('name').join(' ') || add.error.message : null}</FormMessage>
        <FormMessage kind="success">{added}</FormMessage>
        <TextField label={t('passkeys.name')} hint={t('passkeys.nameHint')} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
        <button type="submit" className="button-primary" disabled={add.busy}>
          {t('passkeys.add')}
        </button>
      </form>
    </section>
  );
}
