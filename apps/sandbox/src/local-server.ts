import { createServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

/**
 * The HTTP side of a fake server (the sandbox's networks, the tests' feeds and webhook receiver),
 * written once: it listens on loopback (port 0: any free one) and stops with every connection
 * closed, so a test's teardown never waits for a client's keep-alive.
 */
export class LocalHttpServer {
  private server?: Server;

  constructor(private readonly handler: RequestListener) {}

  /** The server's origin, `http://host:port`. */
  async start(port = 0, host = '127.0.0.1', keepAliveMs?: number): Promise<string> {
    const server = createServer(this.handler);
    if (keepAliveMs !== undefined) server.keepAliveTimeout = keepAliveMs;
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    return `http://${host}:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A port nothing listens on right now, for a child process (Postgres, Redis, nginx, the app) to take. */
export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A request's fields, whatever the client sent: JSON, a URL-encoded form or a multipart one
 * (`name[]` fields collected as a list, as Rails reads them). `multipart` reads multipart bodies
 * instead, for clients whose parts the platform's parser does not take.
 */
export async function readBody(req: IncomingMessage, multipart?: (raw: Buffer, type: string) => Record<string, unknown>): Promise<Record<string, unknown>> {
  const raw = await readRawBody(req);
  if (raw.length === 0) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  if (multipart && type.includes('multipart/form-data')) return multipart(raw, type);
  if (type.includes('multipart/form-data') || type.includes('application/x-www-form-urlencoded')) {
    const form = await new Request('http://localhost/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    const out: Record<string, unknown> = {};
    for (const [k, v] of form.entries()) {
      const key = k.replace(/\[\]$/, '');
      if (k.endsWith('[]')) out[key] = [...((out[key] as unknown[]) ?? []), v];
      else out[key] = v;
    }
    return out;
  }
  return {};
}
