import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { ApiToken, Member } from '../../api/views';
import { useSignedIn } from '../../app/session';
import { useOrgTime } from '../../app/useOrgTime';
import { CopyField } from '../../ui/CopyField';
import { Dialog } from '../../ui/Dialog';
import { FormMessage, SelectField, TextField } from '../../ui/Field';
import { Empty, Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { otherErrors, useSubmit } from '../../ui/useSubmit';

/** API tokens for automation: the secret is shown once. Admins manage any member's, others their own. */
export function TokensSection() {
  const { t } = useTranslation('organisation');
  const time = useOrgTime();
  const { member } = useSignedIn();
  const admin = member.role === 'admin';
  const [owner, setOwner] = useState(member.id);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const members = useLoad(() => (admin ? call<Member[]>(api.GET('/v1/members')) : Promise.resolve([] as Member[])), [admin]);
  const tokens = useLoad(() => call<ApiToken[]>(api.GET('/v1/members/{id}/tokens', { params: { path: { id: owner } } })), [owner]);
  const create = useSubmit(async () => {
    const r = await call<ApiToken & { token: string }>(api.POST('/v1/members/{id}/tokens', { params: { path: { id: owner } }, body: name ? { name } : {} }));
    setSecret(r.token);
    setName('');
    tokens.reload();
  });
  const revoke = useSubmit(async (token: ApiToken) => {
    await call(api.POST('/v1/tokens/{id}/revoke', { params: { path: { id: token.id } } }));
    tokens.reload();
  });
  return (
    <section id="tokens" className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('tokens.title')}</h2>
      <p className="hint">{t('tokens.help')}</p>
      {admin && members.status === 'ready' && (
        <SelectField label={t('tokens.owner')} value={owner} onChange={(e) => setOwner(e.target.value)}>
          {members.data.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </SelectField>
      )}
      <form className="inline-form" onSubmit={create.onSubmit()} noValidate>
        <FormMessage kind="error">{otherErrors(create.error, ['name'])}</FormMessage>
        <TextField label={t('tokens.name')} hint={t('tokens.nameHint')} value={name} onChange={(e) => setName(e.target.value)} errors={create.error?.forField('name')} />
        <button type="submit" className="button-primary" disabled={create.busy}>
          {t('tokens.create')}
        </button>
      </form>
      <FormMessage kind="error">{revoke.error?.message}</FormMessage>
      <Loaded state={tokens}>
        {(list) =>
          list.length === 0 ? (
            <Empty>{t('tokens.empty')}</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('tokens.name')}</th>
                    <th scope="col">{t('tokens.prefix')}</th>
                    <th scope="col">{t('tokens.lastUsed')}</th>
                    <th scope="col">{t('tokens.state')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((tok) => (
                    <tr key={tok.id}>
                      <td>{tok.name}</td>
                      <td>
                        <code>{tok.prefix}…</code>
                      </td>
                      <td>{tok.lastUsedAt ? time.dateTime(tok.lastUsedAt) : t('tokens.never')}</td>
                      <td>
                        {tok.revokedAt ? (
                          t('tokens.revokedAt', { at: time.dateTime(tok.revokedAt) })
                        ) : (
                          <button type="button" className="button-danger" disabled={revoke.busy} onClick={() => void revoke.run(tok)}>
                            {t('tokens.revoke', { name: tok.name })}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
      <Dialog open={Boolean(secret)} title={t('tokens.createdTitle')} onClose={() => setSecret(null)}>
        <p>{t('tokens.createdBody')}</p>
        {secret && <CopyField label={t('tokens.secret')} value={secret} />}
        <div className="actions">
          <button type="button" onClick={() => setSecret(null)}>
            {t('common:action.close')}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
