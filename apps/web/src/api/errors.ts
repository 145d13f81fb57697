/** The API's error body (apps/api/src/common/errors.ts, exception.filter.ts). */
export interface ApiErrorBody {
  statusCode?: number;
  error?: string;
  message?: string | string[];
  errors?: { field: string; message: string }[];
}

/** A failed API call: the status, the API's message and its per-field messages (field path → messages). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Record<string, string[]> = {},
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The messages for one field, or for any field under it (`media` covers `media.0.altText`). */
  forField(field: string): string[] {
    return Object.entries(this.fields)
      .filter(([f]) => f === field || f.startsWith(`${field}.`))
      .flatMap(([, m]) => m);
  }
}

/** Turns an error answer into an ApiError; a body that is not the API's shape still gives a readable message. */
export function toApiError(status: number, body: unknown, retryAfter?: string | null): ApiError {
  const b = (body && typeof body === 'object' ? body : {}) as ApiErrorBody;
  const fields: Record<string, string[]> = {};
  for (const e of Array.isArray(b.errors) ? b.errors : []) {
    if (!e || typeof e.field !== 'string' || typeof e.message !== 'string') continue;
    (fields[e.field] ??= []).push(e.message);
  }
  const message = Array.isArray(b.message) ? b.message.join('; ') : typeof b.message === 'string' && b.message ? b.message : `HTTP ${status}`;
  const retry = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
  return new ApiError(status, message, fields, retry);
}

/** The value of one cookie from `document.cookie`. */
export function readCookie(cookieHeader: string, name: string): string | null {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
