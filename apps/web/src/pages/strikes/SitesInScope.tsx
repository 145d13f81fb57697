import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useOrgTime } from '../../app/useOrgTime';
import type { LiveSite, PreviewSite } from './types';

/**
 * The websites a strike names, each with its form and the window it applies; in the live view,
 * whether the form is in force now. The same decision drives them as the accounts.
 */
export function SitesInScope({ sites, live = false, headingLevel = 3 }: { sites: (PreviewSite | LiveSite)[]; live?: boolean; headingLevel?: 2 | 3 | 4 }) {
  const { t } = useTranslation('sites');
  const { dateTime } = useOrgTime();
  const H = `h${headingLevel}` as 'h2' | 'h3' | 'h4';
  const titleId = useId();
  return (
    <section className="sites-in-scope" aria-labelledby={titleId} data-testid="strike-sites">
      <H id={titleId}>{t('scope.title')}</H>
      <p className="hint">
        {t('scope.help')} <Link href="/sites">{t('scope.manage')}</Link>
      </p>
      {sites.length > 0 && (
        <ul className="live-list">
          {sites.map((s) => (
            <li key={s.siteId} data-site={s.siteId}>
              <strong>{s.name}</strong> <span className="hint">{s.origin}</span> · {t(`form.${s.form}`)} ·{' '}
              {'windowDecided' in s && !s.windowDecided
                ? t('scope.notDecided')
                : t('scope.window', { from: dateTime(s.window.from), until: dateTime(s.window.until) })}
              {s.removed && <span className="hint"> · {t('scope.removed')}</span>}
              {live && 'inForce' in s && (
                <>
                  {' '}
                  <span className={`badge ${s.inForce ? 'strike-state-running' : 'state-scheduled'}`} data-testid="site-in-force">
                    {s.inForce ? t('scope.inForce') : t('scope.notInForce')}
                  </span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
