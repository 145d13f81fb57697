import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';

// Postgres is asked this often per open stream; a comment line keeps proxies from closing it.
export const POLL_MS = 2_000;
export const KEEP_ALIVE_MS = 15_000;
// A stream ends after this long: EventSource reconnects at once, and the session is checked again.
export const MAX_STREAM_MS = 10 * 60_000;

/**
 * Server-sent events: sends `event: live` with the JSON `read()` gives at connect and whenever it
 * changes. Every stream is closed when the API shuts down, so it never waits for browsers.
 */
@Injectable()
export class LiveStreams implements OnModuleDestroy {
  private readonly logger = new Logger('LiveStreams');
  private readonly open = new Set<() => void>();

  async stream(req: Request, res: Response, read: () => Promise<unknown>): Promise<void> {
    // Read once before answering, so a missing strike is a plain 404.
    let last = JSON.stringify(await read());
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache, no-transform');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    res.write(`retry: ${POLL_MS}\n\nevent: live\ndata: ${last}\n\n`);

    let polling = false;
    const poll = setInterval(() => {
      if (polling) return;
      polling = true;
      read()
        .then((value) => {
          const json = JSON.stringify(value);
          if (json !== last) {
            last = json;
            res.write(`event: live\ndata: ${json}\n\n`);
          }
        })
        .catch((err: unknown) => {
          this.logger.warn(`Live stream read failed: ${(err as Error).message}`);
          close();
        })
        .finally(() => {
          polling = false;
        });
    }, POLL_MS);
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    const maxAge = setTimeout(() => close(), MAX_STREAM_MS);
    const close = (): void => {
      clearInterval(poll);
      clearInterval(keepAlive);
      clearTimeout(maxAge);
      this.open.delete(close);
      if (!res.writableEnded) res.end();
    };
    this.open.add(close);
    req.on('close', close);
  }

  onModuleDestroy(): void {
    for (const close of [...this.open]) close();
  }
}
