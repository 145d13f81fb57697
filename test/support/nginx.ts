import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './env.js';
import { freePort } from '../../apps/sandbox/src/local-server.js';
export { freePort } from '../../apps/sandbox/src/local-server.js';

export const NGINX = process.env['NGINX_BIN'] ?? '/usr/sbin/nginx';


/**
 * The server block README gives for nginx (auth_request), with the test's addresses: the site's files
 * are served when Piquet says 200 or cannot be reached; a 503 from Piquet serves its strike page.
 */
export function siteServerBlock(o: { listen: string; root: string; piquet: string; key: string }): string {
  return `
  upstream piquet { server ${o.piquet}; keepalive 8; }
  server {
    listen ${o.listen};
    root ${o.root};

    location / {
      auth_request /_piquet/access;
      auth_request_set $piquet_closed $upstream_http_retry_after;
      # Any answer but 2xx, 401 or 403 makes auth_request fail with 500: a strike's 503, or Piquet unreachable.
      error_page 500 = @piquet;
      try_files $uri $uri/ =404;
    }
    location @piquet {
      # Closed by a strike: Piquet's page, with its 503 and Retry-After. Anything else: the site stays open.
      if ($piquet_closed) { rewrite ^ /_piquet/closed last; }
      try_files $uri $uri/ =404;
    }
    location = /_piquet/access {
      internal;
      proxy_pass http://piquet/v1/public/sites/${o.key}/access;
      proxy_method GET;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 1s;
      proxy_read_timeout 2s;
      # Piquet's answers say how long they keep (5 s at most, never past a window's start or end).
      proxy_cache piquet;
      proxy_cache_key $request_uri;
    }
    location = /_piquet/closed {
      internal;
      proxy_pass http://piquet/v1/public/sites/${o.key}/access;
      proxy_method GET;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`;
}

export interface RunningNginx {
  url: string;
  dir: string;
  stop(): Promise<void>;
  log(): string;
}

/** Debian's nginx on a loopback port, in front of `root`, asking Piquet at `piquet` (host:port) with the site's key. */
export async function startNginx(o: { root: string; piquet: string; key: string }): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'piquet-nginx-'));
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'cache']) mkdirSync(join(dir, d));
  const port = await freePort();
  const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  proxy_cache_path ${dir}/cache keys_zone=piquet:1m max_size=10m inactive=1m;
  ${siteServerBlock({ listen: `127.0.0.1:${port}`, root: o.root, piquet: o.piquet, key: o.key })}
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited: ${out}`);
      return fetch(url + '/__ready').then(
        () => true,
        () => false,
      );
    },
    'nginx to listen',
    10_000,
  );
  return {
    url,
    dir,
    log: () => out + (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''),
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
