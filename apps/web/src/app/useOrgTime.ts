import { useTranslation } from 'react-i18next';
import { formatDateTime, formatTime, zoneLabel } from '../lib/time';
import { useSession } from './session';

/** Formatting in the organisation's time zone and the current language. */
export function useOrgTime() {
  const { i18n } = useTranslation();
  const { session } = useSession();
  const timeZone = session && session.signedIn ? session.organisation.timeZone : Intl.DateTimeFormat().resolvedOptions().timeZone;
  const locale = i18n.language === 'fr' ? 'fr-FR' : 'en-GB';
  return {
    timeZone,
    locale,
    dateTime: (at: string | Date) => formatDateTime(at, timeZone, locale),
    time: (at: string | Date) => formatTime(at, timeZone, locale),
    /** For "updated at" lines, where the minute alone would not show a change. */
    timeWithSeconds: (at: string | Date) => formatTime(at, timeZone, locale, { seconds: true }),
    zone: () => zoneLabel(timeZone, locale),
  };
}
