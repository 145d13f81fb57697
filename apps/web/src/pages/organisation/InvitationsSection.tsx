import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callRaw } from '../../api/client';
import { ROLES, type Invitation, type Role } from '../../api/views';
import { useOrgTime } from '../../app/useOrgTime';
import { CopyField } from '../../ui/CopyField';
import { Dialog } from '../../ui/Dialog';
import { FormMessage, SelectField, TextField } from '../../ui/Field';
import { Empty, Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { otherErrors, useSubmit } from '../../ui/useSubmit';

/** Admins invite members: the link is shown once, to pass on by hand; pending invitations can be revoked. */
export function InvitationsSection() {
  const { t } = useTranslation('organisation');
  const time = useOrgTime();
  const invitations = useLoad(() => callRaw<Invitation[]>('GET', '/v1/invitations'), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [created, setCreated] = useState<Invitation | null>(null);
  const create = useSubmit(async () => {
    const inv = await callRaw<Invitation>('POST', '/v1/invitations', { name, role });
    setCreated(inv);
    setName('');
    invitations.reload();
  });
  const revoke = useSubmit(async (inv: Invitation) => {
    await callRaw('DELETE', `/v1/invitations/${inv.id}`);
    invitations.reload();
  });
  return (
    <section id="invitations" className="card" aria-labelledby="invitations-title">
      <h2 id="invitations-title">{t('invitations.title')}</h2>
      <form className="inline-form" onSubmit={create.onSubmit()} noValidate>
        <FormMessage kind="error">{otherErrors(create.error, ['name', 'role'])}</FormMessage>
        <TextField label={t('invitations.name')} hint={t('invitations.nameHint')} value={name} onChange={(e) => setName(e.target.value)} errors={create.error?.forField('name')} required />
        <SelectField label={t('invitations.role')} value={role} onChange={(e) => setRole(e.target.value as Role)} errors={create.error?.forField('role')}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`common:role.${r}`)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button-primary" disabled={create.busy}>
          {t('invitations.create')}
        </button>
      </form>
      <h3>{t('invitations.pending')}</h3>
      <FormMessage kind="error">{revoke.error?.message}</FormMessage>
      <Loaded state={invitations}>
        {(list) =>
          list.length === 0 ? (
            <Empty>{t('invitations.empty')}</Empty>
          ) : (
            <ul className="plain">
              {list.map((inv) => (
                <li key={inv.id} className="row">
                  <span>
                    <strong>{inv.name}</strong> · {t(`common:role.${inv.role}`)} · <span className="muted">{t('invitations.expires', { at: time.dateTime(inv.expiresAt) })}</span>
                  </span>
                  <button type="button" className="button-danger" disabled={revoke.busy} onClick={() => void revoke.run(inv)}>
                    {t('invitations.revoke', { name: inv.name })}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      <Dialog open={Boolean(created)} title={t('invitations.createdTitle', { name: created?.name ?? '' })} onClose={() => setCreated(null)}>
        <p>{t('invitations.createdBody', { at: created ? time.dateTime(created.expiresAt) : '' })}</p>
        {created?.url && <CopyField label={t('invitations.link')} value={created.url} />}
        <div className="actions">
          <button type="button" onClick={() => setCreated(null)}>
            {t('common:action.close')}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
