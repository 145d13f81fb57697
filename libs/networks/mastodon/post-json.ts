import type { Dispatcher } from 'undici';
import { RedirectRefusedError } from '../errors.js';
import { bodySummary, errorForStatus, isJsonType, libraryError, transportError, unexpectedBody } from '../http-errors.js';

/**
 * A JSON POST to a Mastodon API through the guarded dispatcher, read the way masto's answers are
 * read by the adapter: an error's status decides its kind (errorForStatus), with the server's own
 * `error` text when it sent JSON; a redirect is refused; a success that is not JSON is permanent.
 */
export async function postJson<T>(
  dispatcher: Dispatcher,
  url: URL,
  accessToken: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<T> {
  // No answer at all, or one cut short: a timeout ("Mastodon did not answer in time") or a
  // connection failure is transient; the address guard's refusal is permanent.
  const noAnswer = (err: unknown) => libraryError(err, (e) => transportError('Mastodon', e));
  let res: Dispatcher.ResponseData;
  let text: string;
  try {
    res = await dispatcher.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.body.text();
  } catch (err) {
    throw noAnswer(err);
  }
  const header = (name: string): string | null => {
    const v = res.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : (v ?? null);
  };
  const contentType = header('content-type');
  const { statusCode: status } = res;
  if (status >= 300 && status < 400) throw new RedirectRefusedError('The server answered with a redirect; Piquet follows no redirects there', status);
  const json = isJsonType(contentType) ? parse(text) : undefined;
  if (status >= 400 || status < 200) {
    const error = json && typeof json === 'object' ? (json as { error?: unknown; error_description?: unknown }) : null;
    const message = typeof error?.error === 'string'
      ? `Mastodon answered ${status}: ${error.error}${typeof error.error_description === 'string' ? `: ${error.error_description}` : ''}`
      : `The server answered ${status} (${contentType ?? 'no content type'})${text && !json ? `: ${bodySummary(text)}` : ''}`;
    throw errorForStatus(status, message, header);
  }
  if (json === undefined) throw unexpectedBody('The server', status, contentType);
  return json as T;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
