import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** The web app's pages: its own scripts, styles and API only; images may come from the networks (avatars). */
export const APP_CSP =
  "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// Paths the API answers itself: never the app's index.html.
const API_PATHS = /^\/(v1(\/|$)|docs|health(\/|$)|reports\/|oauth\/)/;

function appHeaders(res: Response): void {
  res.setHeader('content-security-policy', APP_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'same-origin');
}

/**
 * Serves the built web app (vite's `dist/web`) beside the API: hashed files under /assets/ cached
 * for a year, other files for an hour, and index.html (never cached) for any other page a
 * browser asks for, so the app's own routes work on reload. Nothing is served when the app was
 * not built; the API works the same.
 */
export function serveWebApp(app: NestExpressApplication, webDir: string): void {
  const index = join(webDir, 'index.html');
  app.useStaticAssets(join(webDir, 'assets'), {
    prefix: '/assets/',
    index: false,
    immutable: true,
    maxAge: '365d',
    setHeaders: appHeaders,
  });
  app.useStaticAssets(webDir, {
    index: false,
    maxAge: '1h',
    // index.html goes through the fallback below (no-cache), never as a static file.
    setHeaders: (res, path) => {
      appHeaders(res);
      if (path === index) res.setHeader('cache-control', 'no-cache');
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(req.path) || !req.accepts('html') || !existsSync(index)) {
      next();
      return;
    }
    // req.accepts('html') is true for */* too: only a browser asking for a page gets the app.
    if (!(req.headers.accept ?? '').includes('text/html')) {
      next();
      return;
    }
    appHeaders(res);
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index, (err) => {
      if (err) next(err);
    });
  });
}
