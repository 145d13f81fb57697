import { HttpException, HttpStatus, Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Request } from 'express';
import { createRedis, type RedisConnection } from '#queue/redis.js';
import { APP_CONFIG, type AppConfig } from '#config/config.js';

/** A 429 that tells when to try again; the exception filter turns `retryAfterSeconds` into `Retry-After`. */
export class TooManyAttemptsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      {
        statusCode: 429,
        error: 'Too Many Requests',
        message: `Too many failed authentication attempts from this address: try again in ${retryAfterSeconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

// INCR and, on the first failure of a window, its expiry: one round trip, atomic.
const RECORD = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** The throttling key of a request: its client address (as Express sees it, TRUST_PROXY applied). */
export const clientAddressKey = (req: Request): string => `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;

/**
 * Failed authentications counted per key (a client address) in Redis, so every API process shares
 * the count: past AUTH_FAILURE_LIMIT in AUTH_FAILURE_WINDOW_MS (a fixed window from the first
 * failure) every attempt from that key answers 429 with Retry-After until the window ends — right
 * or wrong credentials alike, or a guess that succeeds would still be told apart.
 * If Redis cannot answer, attempts are let through (and logged): an outage of Redis must not lock
 * every member out.
 */
@Injectable()
export class AuthThrottleService implements OnApplicationShutdown {
  private readonly logger = new Logger(AuthThrottleService.name);
  private readonly redis: RedisConnection;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.redis = createRedis(config.redis.url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, lazyConnect: false });
    this.redis.on('error', () => undefined); // reported where a command fails
    this.prefix = `${config.queue.prefix}:auth-throttle:`;
  }

  /** Throws TooManyAttemptsException (429) while `key` is over its limit. */
  async assertAllowed(key: string): Promise<void> {
    let count: string | null;
    let ttl: number;
    try {
      [count, ttl] = await Promise.all([this.redis.get(this.prefix + key), this.redis.pttl(this.prefix + key)]);
    } catch (err) {
      this.logger.warn(`auth throttle unavailable (Redis: ${(err as Error).message}); attempt let through`);
      return;
    }
    if (count !== null && Number(count) >= this.config.authThrottle.limit && ttl > 0) {
      throw new TooManyAttemptsException(Math.max(1, Math.ceil(ttl / 1000)));
    }
  }

  async recordFailure(key: string): Promise<void> {
    try {
      await this.redis.eval(RECORD, 1, this.prefix + key, String(this.config.authThrottle.windowMs));
    } catch (err) {
      this.logger.warn(`auth throttle unavailable (Redis: ${(err as Error).message}); failure not counted`);
    }
  }

  /** After a successful sign-in, forget the failures of this key. */
  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}
