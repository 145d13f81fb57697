import { isIP } from 'node:net';
import { fetch as undiciFetch, type Agent } from 'undici';
import { NetworkError, NetworkPermanentError, NetworkTransientError } from './errors.js';
import { errorForStatus } from './http-errors.js';
import type { ProfileImage } from './network-adapter.js';
import { isPrivateAddress } from './url-guard.js';

const MAX_REDIRECTS = 3;

export interface ImageDownload {
  /** The private-address guard (createGuardedDispatcher); undefined where private addresses are allowed. */
  dispatcher: Agent | undefined;
  allowPrivate: boolean;
  timeoutMs: number;
  maxBytes: number;
}

/**
 * Downloads a profile image from any host (a CDN, another server) without credentials: https only,
 * every redirect checked again, size capped while reading, type taken from the headers or the bytes.
 * Shared by every adapter that puts profile images back after a strike.
 */
export async function downloadImage(raw: string, o: ImageDownload): Promise<ProfileImage> {
  const signal = AbortSignal.timeout(o.timeoutMs);
  let target = checkImageUrl(raw, o.allowPrivate);
  for (let hop = 0; ; hop++) {
    let res: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      res = await undiciFetch(target, { dispatcher: o.dispatcher, redirect: 'manual', signal });
    } catch (err) {
      throw downloadError(err, target);
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw new NetworkPermanentError(`Too many redirects fetching ${raw}`);
      // Each hop is checked again: a public URL must not redirect to an internal address.
      target = checkImageUrl(new URL(location, target).toString(), o.allowPrivate);
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw imageHttpError(res.status, res.headers as unknown as Headers, target);
    }
    let data: Uint8Array;
    try {
      data = await readCapped(res, o.maxBytes, target);
    } catch (err) {
      throw downloadError(err, target);
    }
    return { data, mimeType: requireImage(res.headers.get('content-type'), data, target.href) };
  }
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

function checkImageUrl(raw: string, allowPrivate: boolean): URL {
  if (!URL.canParse(raw)) throw new NetworkPermanentError(`Not a valid image URL: ${raw}`);
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new NetworkPermanentError(`Image URL must use https: ${raw}`);
  }
  // The guarded dispatcher checks names when connecting, but an IP literal never goes through DNS.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
    throw new NetworkPermanentError(`Image URL points to a private address: ${raw}`);
  }
  return url;
}

function imageHttpError(status: number, headers: Headers, url: URL): NetworkError {
  return errorForStatus(status, `Fetching ${url.href} answered ${status}`, (name) => headers.get(name));
}

function downloadError(err: unknown, url: URL): NetworkError {
  if (err instanceof NetworkError) return err;
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return new NetworkTransientError(`Fetching ${url.href} did not finish in time`);
  // The guarded dispatcher refused the address: retrying cannot make it public.
  if (e.cause?.code === 'EPRIVATE') return new NetworkPermanentError(`Fetching ${url.href}: ${e.cause.message ?? 'private address'}`);
  const cause = e.cause?.code ?? e.cause?.message;
  return new NetworkTransientError(`Fetching ${url.href} failed: ${e.message}${cause ? ` (${cause})` : ''}`);
}

/** Stops reading as soon as the image is over the limit, whatever Content-Length claimed. */
async function readCapped(res: Awaited<ReturnType<typeof undiciFetch>>, maxBytes: number, url: URL): Promise<Uint8Array> {
  const tooLarge = () => new NetworkPermanentError(`${url.href} is larger than ${maxBytes} bytes`);
  if (Number(res.headers.get('content-length')) > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body) {
      size += chunk.byteLength;
      // Leaving the loop cancels the stream, so the rest is never downloaded.
      if (size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks);
}
