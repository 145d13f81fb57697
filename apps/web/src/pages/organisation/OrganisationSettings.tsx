import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { callRaw } from '../../api/client';
import { useSignedIn } from '../../app/session';
import { FormMessage, SelectField, TextField } from '../../ui/Field';
import { otherErrors, useSubmit } from '../../ui/useSubmit';

const zones = (): string[] => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['Europe/Paris', 'UTC'];
  }
};

/** Name and time zone: every date in Piquet is shown in this zone. */
export function OrganisationSettings({ admin }: { admin: boolean }) {
  const { t } = useTranslation('organisation');
  const { organisation, refresh } = useSignedIn();
  const [name, setName] = useState(organisation.name);
  const [timeZone, setTimeZone] = useState(organisation.timeZone);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    setSaved(false);
    await callRaw('PATCH', '/v1/organisation', { name, timeZone });
    await refresh();
    setSaved(true);
  });
  const all = zones();
  if (!all.includes(timeZone)) all.unshift(timeZone);
  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 id="settings-title">{t('settings.title')}</h2>
      {admin ? (
        <form onSubmit={save.onSubmit()} noValidate>
          <FormMessage kind="error">{otherErrors(save.error, ['name', 'timeZone'])}</FormMessage>
          <FormMessage kind="success">{saved ? t('settings.saved') : null}</FormMessage>
          <TextField label={t('settings.name')} value={name} onChange={(e) => setName(e.target.value)} errors={save.error?.forField('name')} required />
          <SelectField label={t('settings.timeZone')} hint={t('settings.timeZoneHint')} value={timeZone} onChange={(e) => setTimeZone(e.target.value)} errors={save.error?.forField('timeZone')}>
            {all.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="button-primary" disabled={save.busy}>
            {t('common:action.save')}
          </button>
        </form>
      ) : (
        <p>{t('settings.zoneIs', { zone: organisation.timeZone })}</p>
      )}
    </section>
  );
}
