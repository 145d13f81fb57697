import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out}`))));
  });
}

export interface RedisCluster {
  /** One redis:// URL per master, as REDIS_URL takes them (comma-separated). */
  urls: string[];
  /** The master that holds `key`'s slot (a hash tag decides it for every key that carries it). */
  masterOf(key: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster of three masters (no replicas) on loopback ports, in a temporary directory
 * (its nodes-*.conf files), created with `redis-cli --cluster create`; stop() kills it and removes the directory.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'piquet-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    ),
  );
  const urls = ports.map((p) => `redis://127.0.0.1:${p}`);
  const stop = async () => {
    await Promise.all(
      children.map((c) =>
        c.exitCode === null && c.signalCode === null ? new Promise((r) => (c.once('exit', r), c.kill('SIGTERM'))) : Promise.resolve(),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const url of urls) {
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
      await probe.connect().catch(() => undefined);
      await probe.ping();
      await probe.quit();
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    // Every node must agree the cluster is whole before clients use it.
    for (const url of urls) {
      const node = new Redis(url);
      const deadline = Date.now() + 20_000;
      while (!/cluster_state:ok/.test(await node.cluster('INFO'))) {
        if (Date.now() > deadline) throw new Error(`cluster not ready on ${url}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await node.quit();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    urls,
    async masterOf(key: string) {
      const node = new Redis(urls[0]!);
      try {
        const slot = await node.cluster('KEYSLOT', key);
        const owner = (await node.cluster('SLOTS')).find(([from, to]) => slot >= from && slot <= to)?.[2];
        if (!owner) throw new Error(`no master holds slot ${slot}`);
        return `redis://${owner[0]}:${owner[1]}`;
      } finally {
        await node.quit();
      }
    },
    stop,
  };
}
