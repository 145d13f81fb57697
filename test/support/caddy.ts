import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './env.js';
import { freePort } from './nginx.js';

export const CADDY = process.env['CADDY_BIN'] ?? '/usr/bin/caddy';

/**
 * The site block README gives for Caddy (forward_auth), with the test's addresses: the site's files
 * when Piquet says 200, Piquet's 503 page (status, Retry-After, body) when a strike closes the path,
 * and the site's files again when Piquet cannot be reached (handle_errors turns the proxy's 502/504
 * back into the site, with status 200).
 */
export function caddySiteBlock(o: { address: string; root: string; piquet: string; key: string }): string {
  return `
${o.address} {
	root * ${o.root}
	forward_auth ${o.piquet} {
		uri /v1/public/sites/${o.key}/access
		transport http {
			dial_timeout 1s
			response_header_timeout 2s
		}
	}
	file_server
	handle_errors {
		# Piquet unreachable (502), unavailable (503 from the proxy itself) or too slow (504): the site stays open.
		@piquet_unreachable expression \`{http.error.status_code} in [502, 503, 504]\`
		handle @piquet_unreachable {
			file_server {
				status 200
			}
		}
	}
}
`;
}

export interface RunningCaddy {
  url: string;
  stop(): Promise<void>;
  log(): string;
}

/**
 * Debian's caddy on a loopback port, admin API off, HOME and XDG dirs in a temp dir (Caddy writes
 * its autosave and storage there), in front of `root`, asking Piquet at `piquet` (host:port).
 */
export async function startCaddy(o: { root: string; piquet: string; key: string }): Promise<RunningCaddy> {
  const dir = mkdtempSync(join(tmpdir(), 'piquet-caddy-'));
  for (const d of ['config', 'data']) mkdirSync(join(dir, d));
  const port = await freePort();
  const conf = `{
	admin off
	auto_https off
}
${caddySiteBlock({ address: `http://127.0.0.1:${port}`, root: o.root, piquet: o.piquet, key: o.key })}`;
  writeFileSync(join(dir, 'Caddyfile'), conf);
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') };
  const child: ChildProcess = spawn(CADDY, ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: dir });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`caddy exited: ${out}`);
      return fetch(url + '/__ready').then(
        () => true,
        () => false,
      );
    },
    'caddy to listen',
    10_000,
  );
  return {
    url,
    log: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
