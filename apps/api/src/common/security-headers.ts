import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/** JSON answers load nothing, so nothing may load: a response rendered by mistake runs no script. */
const API_CSP = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * The Swagger UI at /docs runs its own scripts and injects styles (hence 'unsafe-inline' for
 * styles there, and only there). The report pages set their own policy (a hash of their one
 * inline stylesheet), which replaces this one.
 */
const DOCS_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * helmet on every answer (HSTS, nosniff, frame and referrer policies, CSP), errors included. The
 * referrer policy is same-origin, not no-referrer: with no-referrer a browser sends `Origin: null`
 * on form posts, and the CSRF check of the OAuth confirmation form would refuse Piquet's own page.
 */
export function securityHeaders(): (req: Request, res: Response, next: NextFunction) => void {
  const common = { referrerPolicy: { policy: 'same-origin' as const }, crossOriginResourcePolicy: { policy: 'same-origin' as const } };
  const api = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: API_CSP } });
  const docs = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } });
  return (req, res, next) => (req.path === '/docs' || req.path.startsWith('/docs/') ? docs : api)(req, res, next);
}
