/**
 * The Postgres SQLSTATE behind an error from Prisma (driver adapter: `meta.driverAdapterError.cause`)
 * or from pg itself (`code`), or null. Kept here so nothing outside libs/database knows how Prisma
 * wraps errors.
 */
export function sqlState(err: unknown): string | null {
  const e = err as { code?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } } } | null;
  const cause = e?.meta?.driverAdapterError?.cause;
  for (const c of [cause?.originalCode, cause?.code, e?.code]) {
    if (typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c)) return c;
  }
  return null;
}

/** Class 22, "data exception": a value Postgres refused to store or read (bad bytes, bad JSON, out of range). */
export const isDataException = (err: unknown): boolean => sqlState(err)?.startsWith('22') ?? false;

/** 40001 serialization failure, 40P01 deadlock: the transaction may be retried as is. */
export const isRetryableConflict = (err: unknown): boolean => ['40001', '40P01'].includes(sqlState(err) ?? '');
