import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** How far ahead a date may be: further is a typo (2062 for 2026), not a plan. */
export const DATE_HORIZON_YEARS = 5;
/** Nothing Piquet keeps is older than this. */
export const EARLIEST_DATE = '2000-01-01T00:00:00Z';

export function latestDate(now = Date.now()): Date {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() + DATE_HORIZON_YEARS);
  return d;
}

/**
 * An ISO 8601 date-time with an explicit offset (a time without one would be read in the server's
 * zone), between EARLIEST_DATE and DATE_HORIZON_YEARS from now. The horizon is a format bound, so it
 * reads the system time; rules about the past or the future proper are the services' (with their clock).
 */
export function IsInstantWithOffset(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInstantWithOffset',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args) => {
          const v = args.value as unknown;
          if (typeof v === 'string' && ISO_WITH_OFFSET.test(v) && !Number.isNaN(Date.parse(v))) {
            return `must be between ${EARLIEST_DATE} and ${DATE_HORIZON_YEARS} years from now (${latestDate().toISOString()})`;
          }
          return 'must be an ISO 8601 date-time with an offset, such as 2026-12-05T09:00:00+01:00';
        },
        ...options,
      },
      validator: {
        validate: (v: unknown) => {
          if (typeof v !== 'string' || !ISO_WITH_OFFSET.test(v)) return false;
          const t = Date.parse(v);
          return !Number.isNaN(t) && t >= Date.parse(EARLIEST_DATE) && t <= latestDate().getTime();
        },
      },
    });
}

/** An IANA time zone this Node knows (Europe/Paris, America/Montreal, UTC…), checked with Intl. */
export function isTimeZone(v: unknown): v is string {
  if (typeof v !== 'string' || !v || v.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return true;
  } catch {
    return false;
  }
}

export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isTimeZone',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must be an IANA time zone, such as Europe/Paris', ...options },
      validator: { validate: isTimeZone },
    });
}

/**
 * Optional means absent, not null: `@IsOptional()` lets null through every other check, and a null
 * where the service expects a value is a 500. Fields that accept null to clear keep `@IsOptional()`.
 */
export const Optional = (): PropertyDecorator => ValidateIf((_o: unknown, v: unknown) => v !== undefined);

const VISIBLE = /[^\s\u180E\u200B-\u200D\u2060]/;

/** A string with at least one visible character: "   " is not a name. */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNotBlank',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must not be empty or only spaces', ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && VISIBLE.test(v) },
    });
}

// Visible ASCII and visible Latin-1: what an HTTP header value (Authorization: Bearer …) can carry.
const HEADER_SAFE = /^[\x21-\x7E\xA1-\xAC\xAE-\xFF]+$/;

/** A credential sent in an HTTP header: no spaces, control characters or characters beyond Latin-1. */
export function IsHeaderSafe(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isHeaderSafe',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'may hold only visible characters (no spaces, line breaks or characters beyond Latin-1)', ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && HEADER_SAFE.test(v) },
    });
}
