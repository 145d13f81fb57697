import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  type: string;
  data: Record<string, unknown>;
  /** For each secret of `secrets` at the time, whether the signature verified with it. */
  verified: boolean[];
  status: number;
}

/** A webhook receiver on loopback that verifies every request with the standardwebhooks library. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secrets: string[] = [];
  /** Answers this status to the next `failures` requests. */
  failures = 0;
  failStatus = 500;
  private server?: Server;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        const verified = this.secrets.map((s) => {
          try {
            new Webhook(s).verify(body, headers);
            return true;
          } catch {
            return false;
          }
        });
        const status = this.failures > 0 ? this.failStatus : 204;
        if (this.failures > 0) this.failures--;
        const parsed = JSON.parse(body) as { type: string; data: Record<string, unknown> };
        this.received.push({ id: headers['webhook-id'] ?? '', type: parsed.type, data: parsed.data, verified, status });
        res.writeHead(status).end(status === 204 ? undefined : 'not now');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this.url;
  }

  /** What was accepted (2xx), in arrival order. */
  get accepted(): Received[] {
    return this.received.filter((r) => r.status < 300);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
