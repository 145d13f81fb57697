import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../../apps/sandbox/src/local-server.js';


/**
 * A private Redis server for tests that wipe Redis (FLUSHALL): the machine's shared Redis is left
 * alone, so other test runs are not disturbed.
 */
export async function startPrivateRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  await probe.connect().catch(() => undefined);
  await probe.ping();
  await probe.quit();
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
