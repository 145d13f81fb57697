import { NetworkError, NetworkPermanentError, NetworkTransientError } from './errors.js';
import { errorForStatus, libraryError } from './http-errors.js';
import type { OutboundHttp } from './http/outbound-http.js';
import type { ProfileImage } from './network-adapter.js';

const MAX_REDIRECTS = 3;

export interface ImageDownload {
  outbound: OutboundHttp;
  timeoutMs: number;
  maxBytes: number;
}

/**
 * Downloads a profile image from any host (a CDN, another server) without credentials: https only,
 * at most three redirects, each hop's scheme and address checked again by the guard, size capped
 * while reading, type taken from the headers or the bytes. Shared by every adapter that puts
 * profile images back after a strike.
 */
export async function downloadImage(raw: string, o: ImageDownload): Promise<ProfileImage> {
  if (!URL.canParse(raw)) throw new NetworkPermanentError(`Not a valid image URL: ${raw}`);
  const url = new URL(raw);
  let res: Response;
  try {
    res = await o.outbound.fetch(url, { signal: AbortSignal.timeout(o.timeoutMs) }, { maxRedirects: MAX_REDIRECTS });
  } catch (err) {
    throw downloadError(err, url);
  }
  const target = new URL(res.url || url.href);
  if (!res.ok) {
    await res.body?.cancel();
    throw imageHttpError(res.status, res.headers, target);
  }
  let data: Uint8Array;
  try {
    data = await readCapped(res, o.maxBytes, target);
  } catch (err) {
    throw downloadError(err, target);
  }
  return { data, mimeType: requireImage(res.headers.get('content-type'), data, target.href) };
}

/** The type of bytes that must be an image (a permanent error otherwise). */
export function requireImage(contentType: string | null, data: Uint8Array, what: string): string {
  const mimeType = imageMimeType(contentType, data);
  if (!mimeType) throw new NetworkPermanentError(`${what} is not an image`);
  return mimeType;
}

/** Trusts an image/* Content-Type; otherwise (object stores often say octet-stream) sniffs the bytes. */
export function imageMimeType(contentType: string | null, data: Uint8Array): string | null {
  const declared = contentType?.split(';')[0]?.trim().toLowerCase();
  if (declared?.startsWith('image/')) return declared;
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...data.subarray(8, 12)) === 'WEBP') return 'image/webp';
  return null;
}

function imageHttpError(status: number, headers: Headers, url: URL): NetworkError {
  return errorForStatus(status, `Fetching ${url.href} answered ${status}`, (name) => headers.get(name));
}

/** The guard's refusal of an address or a redirect stands: retrying cannot change that. */
function downloadError(err: unknown, url: URL): NetworkError {
  return libraryError(err, (failure) => {
    const e = failure as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError') return new NetworkTransientError(`Fetching ${url.href} did not finish in time`);
    const cause = e.cause?.code ?? e.cause?.message;
    return new NetworkTransientError(`Fetching ${url.href} failed: ${e.message}${cause ? ` (${cause})` : ''}`);
  });
}

/** Stops reading as soon as the image is over the limit, whatever Content-Length claimed. */
async function readCapped(res: Response, maxBytes: number, url: URL): Promise<Uint8Array> {
  const tooLarge = () => new NetworkPermanentError(`${url.href} is larger than ${maxBytes} bytes`);
  if (Number(res.headers.get('content-length')) > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      // Leaving the loop cancels the stream, so the rest is never downloaded.
      if (size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}
