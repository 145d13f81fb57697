import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.js';

const valid = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/piquet?schema=s1',
  REDIS_URL: 'redis://127.0.0.1:6379',
  ENCRYPTION_KEY: 'ab'.repeat(32),
};

describe('configuration', () => {
  it('reads a valid environment into a typed object, with defaults', () => {
    const c = loadConfig(valid);
    expect(c.database).toEqual({ url: valid.DATABASE_URL, directUrl: valid.DATABASE_URL, schema: 's1' });
    expect(c.encryptionKey).toHaveLength(32);
    expect(c.http.port).toBe(3000);
    expect(c.networks.allowPrivateInstances).toBe(false);
  });

  it('keeps the capitals of a schema name (it is quoted wherever it is used)', () => {
    expect(loadConfig({ ...valid, DATABASE_URL: 'postgresql://h/db?schema=Piquet_Prod' }).database.schema).toBe('Piquet_Prod');
  });

  it.each([
    [{ ...valid, DATABASE_URL: undefined }, /DATABASE_URL: is required/],
    [{ ...valid, DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgresql:\/\/ URL/],
    [{ ...valid, REDIS_URL: undefined }, /REDIS_URL: is required/],
    [{ ...valid, REDIS_URL: 'http://x' }, /REDIS_URL: must be a redis/],
    [{ ...valid, ENCRYPTION_KEY: undefined }, /ENCRYPTION_KEY: is required/],
    [{ ...valid, ENCRYPTION_KEY: 'short' }, /ENCRYPTION_KEY: must be 32 bytes/],
    [{ ...valid, PORT: 'eighty' }, /PORT/],
    [{ ...valid, PUBLISH_LEASE_MS: '2000' }, /PUBLISH_LEASE_MS: must be at least 3000/],
    [{ ...valid, DATABASE_URL: 'postgresql://h/db?schema=a-b' }, /DATABASE_URL: its schema parameter \("a-b"\) may hold only letters/],
    [{ ...valid, DATABASE_URL: 'postgresql://h/db?schema=a%22b' }, /DATABASE_URL: its schema parameter/],
    [{ ...valid, DATABASE_URL: `postgresql://h/db?schema=${'s'.repeat(64)}` }, /63 at most/],
    [{ ...valid, REDIS_URL: 'redis://a:1,http://b:2' }, /REDIS_URL: must be a redis/],
    [{ ...valid, REDIS_CLUSTER_NODES: 'a:1,b' }, /REDIS_CLUSTER_NODES: must be host:port pairs/],
  ])('stops on a bad environment, naming the variable (%#)', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('hash-tags the queue prefix, so a Redis Cluster keeps each queue in one slot', () => {
    expect(loadConfig(valid).queue.prefix).toBe('{piquet}');
    expect(loadConfig({ ...valid, QUEUE_PREFIX: 'p-1' }).queue.prefix).toBe('{p-1}');
  });

  it('reads a Redis Cluster from several REDIS_URLs or from REDIS_CLUSTER_NODES', () => {
    expect(loadConfig(valid).redis).toEqual({ url: 'redis://127.0.0.1:6379', cluster: false });
    expect(loadConfig({ ...valid, REDIS_URL: 'redis://a:7000, redis://b:7001' }).redis).toEqual({ url: 'redis://a:7000,redis://b:7001', cluster: true });
    const nodes = loadConfig({ ...valid, REDIS_URL: 'rediss://u:secret@x:6379', REDIS_CLUSTER_NODES: 'a:7000,b:7001' }).redis;
    expect(nodes).toEqual({ url: 'rediss://u:secret@a:7000,rediss://u:secret@b:7001', cluster: true });
    expect(loadConfig({ ...valid, REDIS_URL: undefined, REDIS_CLUSTER_NODES: 'a:7000' }).redis).toEqual({ url: 'redis://a:7000,redis://a:7000', cluster: true });
  });
});
