import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { useSignedIn } from '../../app/session';
import { FormMessage } from '../../ui/Field';
import { Empty, Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { useSubmit } from '../../ui/useSubmit';
import { RegisterSiteForm } from './RegisterSiteForm';
import { SiteCard, type Site } from './SiteCard';
import './sites.css';

export type CreateSiteBody = components['schemas']['CreateSiteDto'];

/**
 * `/sites`: the organisation's websites (its own, and partner sites that asked, with their consent),
 * each with its key and the lines to paste: the script, the no-JavaScript frame, nginx and Caddy.
 * A strike names them in its scope with a form (banner, page, closed). Admins register and remove.
 */
export default function SitesPage() {
  const { t } = useTranslation('sites');
  usePageTitle(t('title'));
  const { member } = useSignedIn();
  const admin = member.role === 'admin';
  const sites = useLoad(() => call<{ items: Site[] }>(api.GET('/v1/sites')).then((r) => r.items), []);
  const [done, setDone] = useState<string | null>(null);
  const remove = useSubmit(async (site: Site) => {
    await call(api.DELETE('/v1/sites/{id}', { params: { path: { id: site.id } } }));
    setDone(t('removed', { name: site.name }));
    sites.reload();
  });

  return (
    <>
      <h1>{t('title')}</h1>
      <p className="hint">{t('help')}</p>
      <FormMessage kind="success">{done}</FormMessage>
      <FormMessage kind="error">{remove.error?.message}</FormMessage>
      <Loaded state={sites}>
        {(list) =>
          list.length === 0 ? (
            <Empty>{admin ? t('emptyAdmin') : t('empty')}</Empty>
          ) : (
            <ul className="plain site-list">
              {list.map((s) => (
                <li key={s.id}>
                  <SiteCard site={s} admin={admin} busy={remove.busy} onRemove={() => void remove.run(s)} />
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      {admin && (
        <RegisterSiteForm
          onRegistered={(site) => {
            setDone(t('registered', { name: site.name }));
            sites.reload();
          }}
        />
      )}
    </>
  );
}
