import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client';
import { FormMessage, SelectField, TextArea, TextField } from '../../ui/Field';
import { otherErrors, useSubmit } from '../../ui/useSubmit';
import type { Site } from './SiteCard';
import type { CreateSiteBody } from './SitesPage';

/** "/a, /b" or one per line → ["/a", "/b"]; nothing → left out (the API's default). */
function prefixes(text: string): string[] | undefined {
  const list = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
}

/** Register an own site, or a partner site with the consent it gave (who, what); the API's field errors at each field. */
export function RegisterSiteForm({ onRegistered }: { onRegistered: (site: Site) => void }) {
  const { t } = useTranslation('sites');
  const [name, setName] = useState('');
  const [origin, setOrigin] = useState('');
  const [kind, setKind] = useState<'own' | 'partner'>('own');
  const [consentBy, setConsentBy] = useState('');
  const [consentNote, setConsentNote] = useState('');
  const [closed, setClosed] = useState('');
  const [except, setExcept] = useState('');
  const submit = useSubmit(async () => {
    const body: CreateSiteBody = {
      name,
      origin,
      kind,
      ...(kind === 'partner' && (consentBy || consentNote) ? { consent: { by: consentBy, note: consentNote } } : {}),
      ...(prefixes(closed) ? { closedPrefixes: prefixes(closed) } : {}),
      ...(prefixes(except) ? { exceptPrefixes: prefixes(except) } : {}),
    };
    const site = await call<Site>(api.POST('/v1/sites', { body }));
    setName('');
    setOrigin('');
    setConsentBy('');
    setConsentNote('');
    setClosed('');
    setExcept('');
    onRegistered(site);
  });
  const err = submit.error;
  // "consent" alone (a partner site without it) is shown at "who agreed".
  const consentErrors = err ? [...(err.fields['consent'] ?? []), ...err.forField('consent.by')] : undefined;
  return (
    <section className="card" aria-labelledby="register-site-title">
      <h2 id="register-site-title">{t('register.title')}</h2>
      <form onSubmit={submit.onSubmit()} noValidate>
        <FormMessage kind="error">{otherErrors(err, ['name', 'origin', 'kind', 'consent', 'closedPrefixes', 'exceptPrefixes'])}</FormMessage>
        <TextField label={t('register.name')} value={name} onChange={(e) => setName(e.target.value)} errors={err?.forField('name')} required />
        <TextField
          label={t('register.origin')}
          hint={t('register.originHint')}
          type="url"
          inputMode="url"
          value={origin}
          onChange={(e) => setOrigin(e.target.value)}
          errors={err?.forField('origin')}
          required
        />
        <SelectField label={t('register.kind')} value={kind} onChange={(e) => setKind(e.target.value as 'own' | 'partner')} errors={err?.forField('kind')}>
          <option value="own">{t('kind.own')}</option>
          <option value="partner">{t('kind.partner')}</option>
        </SelectField>
        {kind === 'partner' && (
          <fieldset>
            <legend>{t('register.consent')}</legend>
            <p className="hint">{t('register.consentHint')}</p>
            <TextField label={t('register.consentBy')} value={consentBy} onChange={(e) => setConsentBy(e.target.value)} errors={consentErrors?.length ? consentErrors : undefined} />
            <TextArea label={t('register.consentNote')} value={consentNote} onChange={(e) => setConsentNote(e.target.value)} errors={err?.forField('consent.note')} rows={3} />
          </fieldset>
        )}
        <TextField label={t('register.closed')} hint={t('register.closedHint')} value={closed} onChange={(e) => setClosed(e.target.value)} errors={err?.forField('closedPrefixes')} />
        <TextField label={t('register.except')} hint={t('register.exceptHint')} value={except} onChange={(e) => setExcept(e.target.value)} errors={err?.forField('exceptPrefixes')} />
        <div className="actions">
          <button type="submit" className="button-primary" aria-disabled={submit.busy || undefined}>
            {t('register.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
