import { HttpException, HttpStatus, Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/config.js';
import { createRedis } from '../../../../libs/queue/redis.js';

// Failed sign-ins allowed per key (a client address, a login) in one window.
const MAX_FAILURES = 10;
const WINDOW_S = 15 * 60;

/**
 * Throttles failed sign-ins: a counter per key in Redis (INCR, EXPIRE on the first failure), so
 * every API process sees the same count. Redis losing it only resets the counters.
 */
@Injectable()
export class AuthThrottleService implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = createRedis(config.redis.url);
    this.prefix = `${config.queue.prefix}:auth-throttle:`;
  }

  /** Throws 429 with Retry-After (seconds) while the key has failed too often. */
  async assertAllowed(key: string): Promise<void> {
    const k = this.prefix + key;
    const [count, ttl] = await Promise.all([this.redis.get(k), this.redis.ttl(k)]);
    if (Number(count ?? 0) < MAX_FAILURES) return;
    const retryAfter = ttl > 0 ? ttl : WINDOW_S;
    const err = new HttpException(
      { statusCode: 429, error: 'Too Many Requests', message: `Too many failed sign-ins: try again in ${Math.ceil(retryAfter / 60)} minute(s)` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
    // The exception filter sends these headers with the error.
    throw Object.assign(err, { headers: { 'Retry-After': String(retryAfter) } });
  }

  async recordFailure(key: string): Promise<void> {
    const k = this.prefix + key;
    const count = await this.redis.incr(k);
    if (count === 1) await this.redis.expire(k, WINDOW_S);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit();
  }
}
