import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'piquet_session';
export const CSRF_COOKIE = 'piquet_csrf';

/** Reads one cookie from the request's Cookie header (no middleware needed). */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The CSRF token is derived from the session secret: a cookie planted by someone else (a sibling
 * subdomain) cannot match a session it does not know, and nothing more has to be stored.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return createHash('sha256').update(`piquet-csrf\0${sessionSecret}`).digest('base64url');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const base = (publicUrl: string) => ({ sameSite: 'lax' as const, secure: publicUrl.startsWith('https:'), path: '/' });

export function setSessionCookies(res: Response, publicUrl: string, sessionSecret: string, maxAgeMs: number): void {
  res.cookie(SESSION_COOKIE, sessionSecret, { ...base(publicUrl), httpOnly: true, maxAge: maxAgeMs });
  setCsrfCookie(res, publicUrl, sessionSecret, maxAgeMs);
}

/** Readable by the app's script, which copies it into the x-csrf-token header. */
export function setCsrfCookie(res: Response, publicUrl: string, sessionSecret: string, maxAgeMs: number): void {
  res.cookie(CSRF_COOKIE, csrfTokenFor(sessionSecret), { ...base(publicUrl), httpOnly: false, maxAge: maxAgeMs });
}

export function clearSessionCookies(res: Response, publicUrl: string): void {
  res.clearCookie(SESSION_COOKIE, { ...base(publicUrl), httpOnly: true });
  res.clearCookie(CSRF_COOKIE, { ...base(publicUrl), httpOnly: false });
}

/** The Origin header, when a browser sent one, must be Piquet's own. */
export function foreignOrigin(req: Request, publicUrl: string): string | null {
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  return origin === new URL(publicUrl).origin ? null : origin;
}

export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
