import { LocalHttpServer, readRawBody } from '../../apps/sandbox/src/local-server.js';
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
  url = '';
  private readonly server = new LocalHttpServer((req, res) => {
    void readRawBody(req).then((raw) => {
      const body = raw.toString('utf8');
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

  async start(): Promise<string> {
    this.url = `${await this.server.start()}/hook`;
    return this.url;
  }

  /** What was accepted (2xx), in arrival order. */
  get accepted(): Received[] {
    return this.received.filter((r) => r.status < 300);
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }
}
