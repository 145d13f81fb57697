import { Controller, Get, Headers, NotFoundException, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/auth.js';
import { pageLang } from '../reports/link-refused-page.js';
import { AccessQuery, PublicLangQuery } from './dto/site.dto.js';
import { EMBED_SCRIPT } from './embed-script.js';
import { frameCsp, PAGE_CSP } from './site-pages.js';
import { SitePublicService, type AccessAnswer, type StatusAnswer } from './site-public.service.js';
import { siteSchemas } from './site.view.js';

const cacheFor = (seconds: number): string => (seconds > 0 ? `public, max-age=${seconds}` : 'no-store');

/** What anyone may read: it carries only what a decided strike makes public, and sets no cookie. */
function publicHeaders(res: Response): void {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex');
}

/** The access answer, as a reverse proxy reads it: 200 open, or 503 with Retry-After and the strike page. */
export function sendAccess(res: Response, a: AccessAnswer): void {
  publicHeaders(res);
  res.setHeader('Cache-Control', cacheFor(a.cacheSeconds));
  res.setHeader('Vary', 'Accept-Language');
  if (a.status === 200) {
    res.status(200).end();
    return;
  }
  res.setHeader('Retry-After', String(a.retryAfterSeconds));
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  // Written as is: no ETag to compute on every request (the answer lives seconds).
  res.setHeader('Content-Length', a.html!.byteLength);
  res.status(503).end(a.html);
}

/** The status answer, as the display script reads it: public fields only, readable from any origin. */
export function sendStatus(res: Response, answer: StatusAnswer): void {
  publicHeaders(res);
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cache-Control', cacheFor(answer.cacheSeconds));
  const body = Buffer.from(JSON.stringify({ now: answer.now, strike: answer.strike, next: answer.next, checkAfter: answer.checkAfter }));
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', body.byteLength);
  res.status(200).end(body);
}

/**
 * The display and access forms of a strike on an organisation's websites (sites are registered
 * at /v1/sites), its public page and calendar. No token: the site's public key names the site.
 */
@ApiTags('sites (public)')
@Public()
@Controller('v1/public')
export class PublicSitesController {
  constructor(private readonly service: SitePublicService) {}

  @Get('embed.js')
  @ApiOperation({ summary: "The display script a site's pages load (one line: a script tag with data-site=\"<public key>\")" })
  @ApiProduces('text/javascript')
  @ApiOkResponse({ content: { 'text/javascript': { schema: { type: 'string' } } } })
  embed(@Res() res: Response): void {
    publicHeaders(res);
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=3600');
    // Lets a page load it with integrity=… crossorigin (SRI, or a CSP hash of the external script).
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.status(200).send(EMBED_SCRIPT);
  }

  @Get('sites/:key/access')
  @ApiOperation({ summary: 'For a reverse proxy (auth_request, forward_auth): 200 open, or 503 with Retry-After and the strike page while a strike closes the path' })
  @ApiOkResponse({ description: 'Open: let the request through', content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 503, description: 'Closed by a strike: the page to show', content: { 'text/html': { schema: { type: 'string' } } } })
  async access(
    @Param('key') key: string,
    @Query() q: AccessQuery,
    @Headers('x-original-uri') originalUri: string | undefined,
    @Headers('x-forwarded-uri') forwardedUri: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const path = q.path ?? originalUri ?? forwardedUri;
    const lang = pageLang(undefined, acceptLanguage);
    const now = new Date();
    sendAccess(res, this.service.accessFromCache(key, path, lang, now) ?? (await this.service.accessFor(key, path, lang, now)));
  }

  @Get('sites/:key/status')
  @ApiOperation({ summary: "What the display script reads: the strike in force on the site and the next one, only their public fields" })
  @ApiOkResponse({ schema: siteSchemas.status })
  async status(@Param('key') key: string, @Res() res: Response): Promise<void> {
    sendStatus(res, await this.service.status(key, new Date()));
  }

  @Get('sites/:key/frame')
  @ApiOperation({ summary: 'The no-JavaScript banner, for an iframe on the site (empty when no strike is in force)' })
  @ApiProduces('text/html')
  @ApiOkResponse({ content: { 'text/html': { schema: { type: 'string' } } } })
  async frame(@Param('key') key: string, @Query() q: PublicLangQuery, @Headers('accept-language') acceptLanguage: string | undefined, @Res() res: Response): Promise<void> {
    const frame = await this.service.frame(key, pageLang(q.lang, acceptLanguage), new Date());
    publicHeaders(res);
    res.removeHeader('X-Frame-Options');
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', frame.origin ? frameCsp(frame.origin) : PAGE_CSP);
    res.setHeader('Cache-Control', cacheFor(frame.cacheSeconds));
    res.setHeader('Vary', 'Accept-Language');
    res.status(200).send(frame.html);
  }

  @Get('strikes/:id')
  @ApiOperation({ summary: "A public strike's page (decided, naming a site): what, why, when, how decided, messages, posts" })
  @ApiProduces('text/html')
  @ApiOkResponse({ content: { 'text/html': { schema: { type: 'string' } } } })
  async strikePage(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: PublicLangQuery,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const html = await this.service.strikePage(id, pageLang(q.lang, acceptLanguage));
    if (!html) throw new NotFoundException('No public strike here');
    publicHeaders(res);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.setHeader('Vary', 'Accept-Language');
    res.status(200).send(html);
  }

  @Get('calendars/:key/strikes.ics')
  @ApiOperation({ summary: "An organisation's approved public strikes as iCalendar (when it opted in)" })
  @ApiProduces('text/calendar')
  @ApiOkResponse({ content: { 'text/calendar': { schema: { type: 'string' } } } })
  async calendar(@Param('key') key: string, @Res() res: Response): Promise<void> {
    const ics = await this.service.calendar(key);
    if (ics === null) throw new NotFoundException('No calendar here');
    publicHeaders(res);
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.status(200).send(ics);
  }
}
