import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, call } from '../../api/client';
import { SelectField } from '../../ui/Field';
import { useLoad } from '../../ui/useLoad';
import type { SiteChoice } from './draft';

const FORMS: SiteChoice['form'][] = ['banner', 'page', 'page-continue', 'closed'];

/** The organisation's websites, each out of scope or with the form the strike takes on it. */
export function SitesPicker({ value, onChange, errors }: { value: SiteChoice[]; onChange: (sites: SiteChoice[]) => void; errors: (field: string) => string[] | undefined }) {
  const { t } = useTranslation('sites');
  const sites = useLoad(() => call<{ items: { id: string; name: string; origin: string }[] }>(api.GET('/v1/sites')).then((r) => r.items), []);
  if (sites.status !== 'ready' || (sites.data.length === 0 && value.length === 0)) return null;
  const choose = (siteId: string, form: string) =>
    onChange(form ? [...value.filter((s) => s.siteId !== siteId), { siteId, form: form as SiteChoice['form'] }] : value.filter((s) => s.siteId !== siteId));
  // The body lists them by id (draft.ts toBody): the API's `sites.N` errors count in that order.
  const sorted = [...value].sort((a, b) => (a.siteId < b.siteId ? -1 : 1));
  return (
    <fieldset data-testid="sites-picker">
      <legend>{t('scope.title')}</legend>
      <p className="hint">
        {t('scope.help')} <Link href="/sites">{t('scope.manage')}</Link>
      </p>
      {sites.data.map((site) => {
        const chosen = value.find((s) => s.siteId === site.id);
        const index = sorted.findIndex((s) => s.siteId === site.id);
        return (
          <SelectField
            key={site.id}
            label={`${site.name} (${site.origin})`}
            value={chosen?.form ?? ''}
            onChange={(e) => choose(site.id, e.target.value)}
            errors={index >= 0 ? errors(`sites.${index}`) : undefined}
          >
            <option value="">{t('scope.out')}</option>
            {FORMS.map((f) => (
              <option key={f} value={f}>
                {t(`form.${f}`)}
              </option>
            ))}
          </SelectField>
        );
      })}
    </fieldset>
  );
}
