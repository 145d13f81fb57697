import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { createRedis, type RedisConnection } from '#queue/redis.js';

const TTL_S = 5 * 60;

/** WebAuthn challenges wait in Redis for five minutes and are taken once (GETDEL). */
@Injectable()
export class WebAuthnChallenges implements OnModuleDestroy {
  private readonly redis: RedisConnection;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = createRedis(config.redis.url);
    this.prefix = `${config.queue.prefix}:webauthn:`;
  }

  async put(key: string, value: string): Promise<void> {
    await this.redis.set(this.prefix + key, value, 'EX', TTL_S);
  }

  take(key: string): Promise<string | null> {
    return this.redis.getdel(this.prefix + key);
  }

  async onModuleDestroy(): Promise<void> {
    await this.redis.quit();
  }
}
