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
 * The queue dashboard (Bull Board, /v1/admin/queues): its own scripts and styles, a <base> naming
 * its path, its JSON API; its link to a third-party font service is refused (no third party).
 */
const QUEUES_CSP = { ...DOCS_CSP, baseUri: ["'self'"], connectSrc: ["'self'"] };
export const QUEUE_DASHBOARD_PATH = '/v1/admin/queues';

/**
 * helmet on every answer (HSTS, nosniff, frame and referrer policies, CSP), errors included. The
 * referrer policy is same-origin, not no-referrer: with no-referrer a browser sends `Origin: null`
 * on form posts, and the CSRF check of the OAuth confirmation form would refuse Piquet's own page.
 */
export function securityHeaders(): (req: Request, res: Response, next: NextFunction) => void {
  const common = { referrerPolicy: { policy: 'same-origin' as const }, crossOriginResourcePolicy: { policy: 'same-origin' as const } };
  const api = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: API_CSP } });
  const docs = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } });
  const queues = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: QUEUES_CSP } });
  const under = (req: Request, path: string) => req.path === path || req.path.startsWith(`${path}/`);
  return (req, res, next) => (under(req, '/docs') ? docs : under(req, QUEUE_DASHBOARD_PATH) ? queues : api)(req, res, next);
}
