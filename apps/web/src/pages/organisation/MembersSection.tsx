import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { ROLES, type Member, type Role } from '../../api/views';
import { useSignedIn } from '../../app/session';
import { useOrgTime } from '../../app/useOrgTime';
import { Dialog } from '../../ui/Dialog';
import { FormMessage } from '../../ui/Field';
import { Empty, Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { useSubmit } from '../../ui/useSubmit';

export function MembersSection({ admin }: { admin: boolean }) {
  const { t } = useTranslation('organisation');
  const time = useOrgTime();
  const { member: me } = useSignedIn();
  const members = useLoad(() => call<Member[]>(api.GET('/v1/members')), []);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const changeRole = useSubmit(async (m: Member, role: Role) => {
    await call(api.PATCH('/v1/members/{id}', { params: { path: { id: m.id } }, body: { role } }));
    setMessage(t('members.roleChanged', { name: m.name, role: t(`common:role.${role}`) }));
    members.reload();
  });
  const remove = useSubmit(async () => {
    if (!removing) return;
    await call(api.DELETE('/v1/members/{id}', { params: { path: { id: removing.id } } }));
    setMessage(t('members.removed', { name: removing.name }));
    setRemoving(null);
    members.reload();
  });
  return (
    <section id="members" className="card" aria-labelledby="members-title">
      <h2 id="members-title">{t('members.title')}</h2>
      <FormMessage kind="error">{changeRole.error?.message}</FormMessage>
      <FormMessage kind="success">{message}</FormMessage>
      <Loaded state={members}>
        {(list) =>
          list.length === 0 ? (
            <Empty>{t('members.empty')}</Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('members.name')}</th>
                    <th scope="col">{t('members.role')}</th>
                    <th scope="col">{t('members.since')}</th>
                    {admin && <th scope="col">{t('members.actions')}</th>}
                  </tr>
                </thead>
                <tbody>
                  {list.map((m) => (
                    <tr key={m.id}>
                      <td>
                        {m.name}
                        {m.id === me.id && <span className="muted"> ({t('members.you')})</span>}
                      </td>
                      <td>
                        {admin ? (
                          <>
                            <label className="visually-hidden" htmlFor={`role-${m.id}`}>
                              {t('members.roleOf', { name: m.name })}
                            </label>
                            <select id={`role-${m.id}`} value={m.role} disabled={changeRole.busy} onChange={(e) => void changeRole.run(m, e.target.value as Role)}>
                              {ROLES.map((r) => (
                                <option key={r} value={r}>
                                  {t(`common:role.${r}`)}
                                </option>
                              ))}
                            </select>
                          </>
                        ) : (
                          t(`common:role.${m.role}`)
                        )}
                      </td>
                      <td>{time.dateTime(m.createdAt)}</td>
                      {admin && (
                        <td>
                          {m.id !== me.id && (
                            <button type="button" className="button-danger" onClick={() => setRemoving(m)}>
                              {t('members.remove', { name: m.name })}
                            </button>
                          )}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
      <p className="hint">{t('members.rolesHelp')}</p>
      <Dialog open={Boolean(removing)} title={t('members.removeTitle', { name: removing?.name ?? '' })} onClose={() => setRemoving(null)}>
        <p>{t('members.removeBody')}</p>
        <FormMessage kind="error">{remove.error?.message}</FormMessage>
        <div className="actions">
          <button type="button" className="button-danger" disabled={remove.busy} onClick={() => void remove.run()}>
            {t('members.removeConfirm')}
          </button>
          <button type="button" onClick={() => setRemoving(null)}>
            {t('common:action.cancel')}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
