import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, readCookie, toApiError, UNSAFE_METHODS } from './errors';
import type { paths } from './schema';

export const CSRF_COOKIE = 'piquet_csrf';

/** Cookie-authenticated writes carry the CSRF cookie back as a header (WEB-CONTRACT.md). */
const csrf: Middleware = {
  onRequest({ request }) {
    if (UNSAFE_METHODS.has(request.method.toUpperCase())) {
      const token = readCookie(document.cookie, CSRF_COOKIE);
      if (token) request.headers.set('x-csrf-token', token);
    }
    return request;
  },
};

/**
 * The typed client: paths, parameters and bodies come from the API's OpenAPI document
 * (`npm run openapi:generate`). Same origin, cookies included.
 */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrf);

/**
 * Unwraps an openapi-fetch result: the data, or throws an ApiError with the API's per-field messages.
 * The data's type comes from the OpenAPI document when it describes the response; where it does not
 * yet, name the view: `call<Page<Post>>(api.GET('/v1/posts'))` (api/views.ts).
 */
export async function call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (err) {
    throw new ApiError(0, (err as Error).message || 'network error');
  }
  const { data, error, response } = result;
  if (!response.ok) throw toApiError(response.status, error, response.headers.get('retry-after'));
  return data as T;
}

/**
 * The same, for answers whose document schema is looser than the view the page reads (free-form
 * `detail` or `proposal` objects): the page names the view it expects.
 */
export function callAs<T>(request: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  return call<unknown>(request) as Promise<T>;
}

/** For endpoints outside the OpenAPI document (or not merged yet): same CSRF and error handling. */
export async function callRaw<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE_METHODS.has(method)) {
    const token = readCookie(document.cookie, CSRF_COOKIE);
    if (token) headers['x-csrf-token'] = token;
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(0, (err as Error).message || 'network error');
  }
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) throw toApiError(response.status, parsed, response.headers.get('retry-after'));
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Uploads one image as multipart (POST /v1/media): `{ id, mimeType, … }`. */
export async function uploadMedia(file: File): Promise<{ id: string; mimeType: string }> {
  const form = new FormData();
  form.append('file', file);
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = readCookie(document.cookie, CSRF_COOKIE);
  if (token) headers['x-csrf-token'] = token;
  let response: Response;
  try {
    response = await fetch('/v1/media', { method: 'POST', body: form, headers, credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, (err as Error).message || 'network error');
  }
  const text = await response.text();
  const parsed: unknown = text ? safeJson(text) : undefined;
  if (!response.ok) throw toApiError(response.status, parsed, response.headers.get('retry-after'));
  return parsed as { id: string; mimeType: string };
}
