import type { NextFunction, Request, Response } from 'express';
import { pageLang } from '../reports/link-refused-page.js';
import { sendAccess, sendStatus } from './public-sites.controller.js';
import type { SitePublicService } from './site-public.service.js';

const ROUTE = /^\/v1\/public\/sites\/([^/]+)\/(access|status)$/;

/**
 * The hot path of the two answers asked on every page view (a proxy's access check, the display
 * script's status): when the site's rows are in memory, answered here as plain Express middleware,
 * before Nest's guards, pipes and logging, with the very same functions as the controller. Anything
 * else (a cold cache, a query to validate) falls through to PublicSitesController.
 */
export function siteFastPath(service: SitePublicService): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const m = ROUTE.exec(req.path);
    if (!m) return next();
    const key = m[1]!;
    const now = new Date();
    if (m[2] === 'status') {
      const answer = service.statusFromCache(key, now);
      return answer ? sendStatus(res, answer) : next();
    }
    const q = req.query['path'];
    if (q !== undefined && (typeof q !== 'string' || q.length > 4000 || Object.keys(req.query).length > 1)) return next();
    if (q === undefined && Object.keys(req.query).length > 0) return next();
    const path = q ?? header(req, 'x-original-uri') ?? header(req, 'x-forwarded-uri');
    const answer = service.accessFromCache(key, path, pageLang(undefined, header(req, 'accept-language')), now);
    return answer ? sendAccess(res, answer) : next();
  };
}

const header = (req: Request, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};
