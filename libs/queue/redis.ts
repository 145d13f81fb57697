import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * A connection for BullMQ and Piquet's own keys. `url` is one redis:// URL, or several separated
 * by commas (config's REDIS_URL / REDIS_CLUSTER_NODES): the seed nodes of a Redis Cluster, which
 * ioredis's Cluster follows through slot moves and failovers. Credentials, database and TLS come
 * from the first URL. BullMQ needs maxRetriesPerRequest: null on connections used by workers.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis | Cluster {
  const opts: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, ...options };
  const urls = url.split(',').map((u) => u.trim()).filter(Boolean);
  if (urls.length <= 1) return new Redis(url, opts);
  const first = new URL(urls[0] ?? '');
  return new Cluster(
    urls.map((u) => {
      const n = new URL(u);
      return { host: n.hostname, port: Number(n.port || 6379) };
    }),
    {
      enableReadyCheck: true,
      redisOptions: {
        ...opts,
        ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
        ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
        ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
      },
    },
  );
}

export type RedisConnection = Redis | Cluster;
