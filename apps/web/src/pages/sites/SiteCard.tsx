import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { paths } from '../../api/schema';
import { useOrgTime } from '../../app/useOrgTime';
import { CopyField } from '../../ui/CopyField';
import { Dialog } from '../../ui/Dialog';
import { caddySnippet, cspLine, nginxSnippet, noScriptFrame, scriptWithNonce } from './snippets';

export type Site = paths['/v1/sites/{id}']['get']['responses'][200]['content']['application/json'];

/** A snippet to paste, readable and selectable, with a copy button. */
function Snippet({ label, text, testId }: { label: string; text: string; testId: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <figure className="snippet">
      <figcaption>{label}</figcaption>
      <pre tabIndex={0} data-testid={testId}>
        <code>{text}</code>
      </pre>
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard.writeText(text).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {t('action.copy')}
        <span className="visually-hidden"> — {label}</span>
      </button>
      <span role="status" className="field-hint">
        {copied ? t('action.copied') : ''}
      </span>
    </figure>
  );
}

/** One site: its origin and kind (a partner's consent), its key, the lines to paste; admins remove it. */
export function SiteCard({ site, admin, busy, onRemove }: { site: Site; admin: boolean; busy: boolean; onRemove: () => void }) {
  const { t, i18n } = useTranslation('sites');
  const { dateTime } = useOrgTime();
  const [confirm, setConfirm] = useState(false);
  const lang = i18n.language === 'fr' ? 'fr' : 'en';
  const headingId = `site-${site.id}`;
  return (
    <article className="card site-card" aria-labelledby={headingId} data-site={site.id}>
      <h2 id={headingId}>{site.name}</h2>
      <p>
        <a href={site.origin} rel="noreferrer noopener" target="_blank">
          {site.origin}
        </a>{' '}
        · <span className="badge">{t(`kind.${site.kind}`)}</span>
      </p>
      {site.consent && (
        <p className="hint">
          {t('consent', { by: site.consent.by ?? '—', at: site.consent.at ? dateTime(site.consent.at) : '—' })} {site.consent.note && <q>{site.consent.note}</q>}
        </p>
      )}
      {(site.closedPrefixes.length > 0 || site.exceptPrefixes.length > 0) && (
        <p className="hint">
          {site.closedPrefixes.length > 0 && t('closedPaths', { paths: site.closedPrefixes.join(', ') })} {site.exceptPrefixes.length > 0 && t('exceptPaths', { paths: site.exceptPrefixes.join(', ') })}
        </p>
      )}
      <CopyField label={t('key')} value={site.publicKey} />
      <details>
        <summary>{t('snippets.title')}</summary>
        <Snippet label={t('snippets.script')} text={site.embed.script} testId="snippet-script" />
        <p className="hint">{t('snippets.nonce')}</p>
        <Snippet label={t('snippets.scriptNonce')} text={scriptWithNonce(site)} testId="snippet-script-nonce" />
        <Snippet label={t('snippets.csp')} text={cspLine(site)} testId="snippet-csp" />
        <Snippet label={t('snippets.frame')} text={noScriptFrame(site, lang)} testId="snippet-frame" />
        <p className="hint">{t('snippets.proxy')}</p>
        <Snippet label={t('snippets.nginx')} text={nginxSnippet(site)} testId="snippet-nginx" />
        <Snippet label={t('snippets.caddy')} text={caddySnippet(site, new URL(site.origin).host)} testId="snippet-caddy" />
      </details>
      {admin && (
        <div className="actions">
          <button type="button" className="button-danger" aria-disabled={busy || undefined} onClick={() => setConfirm(true)}>
            {t('remove', { name: site.name })}
          </button>
        </div>
      )}
      <Dialog open={confirm} title={t('removeTitle', { name: site.name })} onClose={() => setConfirm(false)}>
        <p>{t('removeBody')}</p>
        <div className="actions">
          <button
            type="button"
            className="button-danger"
            onClick={() => {
              setConfirm(false);
              onRemove();
            }}
          >
            {t('removeConfirm')}
          </button>
          <button type="button" onClick={() => setConfirm(false)}>
            {t('common:action.cancel')}
          </button>
        </div>
      </Dialog>
    </article>
  );
}
