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

// Driver adapter error kinds (Prisma with adapter-pg) that mean the database could not be reached.
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// Prisma's own codes for the same: cannot reach, timed out, closed the connection, pool timeout.
const UNREACHABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNREACHABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * The database is away for a moment (restarting, failing over, out of connections), as opposed to
 * a query that is wrong: SQLSTATE class 08 (connection exception), 57P01-57P03 (shutting down,
 * starting up), 53300 (too many connections), or the driver never reaching the server. Walks the
 * error's causes, since Prisma and pg wrap them.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as Record<string, unknown> | null | undefined, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const state = sqlState(e);
    if (state && (state.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(state))) return true;
    const kind = (e as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } }).meta?.driverAdapterError?.cause?.kind;
    if (typeof kind === 'string' && UNREACHABLE_KINDS.has(kind)) return true;
    if (typeof e['code'] === 'string' && (UNREACHABLE_PRISMA_CODES.has(e['code']) || UNREACHABLE_NODE_CODES.has(e['code']))) return true;
    // pg's own words when the server goes away mid-query (no code on these).
    if (typeof e['message'] === 'string' && /Connection terminated|connection terminated unexpectedly|Client has encountered a connection error/i.test(e['message'])) return true;
    e = e['cause'] as Record<string, unknown> | null | undefined;
  }
  return false;
}
