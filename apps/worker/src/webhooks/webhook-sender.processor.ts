import { Inject, Injectable, Logger } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { SecretBox } from '#crypto/secret-box.js';
import { WebhookOutboxRepository, type EndpointToSend, type PendingWebhook } from '#database/webhook-outbox.repository.js';
import { OutboundHttp } from '#networks/http/outbound-http.js';
import { describeFailure, isDelivered, retryDelay, shouldDisable, webhookBody, webhookMessageId, webhookSecretContext } from '#webhooks/rules.js';

/** Deliveries sent per job at most; the next tick carries on. */
const BATCH = 500;
/** Deliveries read, sent, then recorded together. */
const PAGE = 50;

/**
 * Sends an endpoint's pending events, oldest first, signed as Standard Webhooks (during a secret's
 * overlap, with both secrets). A failure records the attempt, sets the next one by back-off and
 * stops: later events wait, so they arrive in order. At least once: a crash between the answer and
 * the record sends again, with the same webhook-id.
 */
@Injectable()
export class WebhookSenderProcessor {
  private readonly logger = new Logger(WebhookSenderProcessor.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: WebhookOutboxRepository,
    private readonly secrets: SecretBox,
    private readonly http: OutboundHttp,
  ) {}

  async send(endpointId: string): Promise<number> {
    const endpoint = await this.repo.endpoint(endpointId);
    if (!endpoint || endpoint.state !== 'active') return 0;
    const signers = this.signers(endpoint);
    let sent = 0;
    while (sent < BATCH) {
      const batch = await this.repo.pending(endpointId, PAGE);
      if (batch.length === 0 || batch[0]!.nextAttemptAt.getTime() > Date.now()) break;
      const done: { id: bigint; status: number }[] = [];
      let failure: { head: PendingWebhook; status: number | null; error: string } | null = null;
      for (const head of batch) {
        const result = await this.post(endpoint, signers, head);
        if (result.ok) done.push({ id: head.id, status: result.status });
        else {
          failure = { head, status: result.status, error: result.error };
          break;
        }
      }
      await this.repo.delivered(done, endpoint.id, endpoint.failingSince !== null, new Date());
      if (done.length > 0) endpoint.failingSince = null;
      sent += done.length;
      if (failure) {
        await this.recordFailure(endpoint, failure.head, failure.status, failure.error);
        break;
      }
    }
    return sent;
  }

  private signers(endpoint: EndpointToSend): Webhook[] {
    const keys = [this.secrets.open(endpoint.secretCiphertext, webhookSecretContext(endpoint.id))];
    if (endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > Date.now()) {
      keys.push(this.secrets.open(endpoint.previousSecretCiphertext, webhookSecretContext(endpoint.id)));
    }
    return keys.map((k) => new Webhook(k));
  }

  private async post(endpoint: EndpointToSend, signers: Webhook[], head: PendingWebhook): Promise<{ ok: true; status: number } | { ok: false; status: number | null; error: string }> {
    const id = webhookMessageId(head.eventId);
    const body = webhookBody(head.type, head.createdAt, head.payload);
    const at = new Date();
    const signature = signers.map((s) => s.sign(id, at, body)).join(' ');
    try {
      const res = await this.http.fetch(
        endpoint.url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Piquet webhooks',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': signature,
          },
          body,
          signal: AbortSignal.timeout(this.config.networks.timeoutMs),
        },
        { maxRedirects: 0 },
      );
      if (isDelivered(res.status)) {
        await res.body?.cancel().catch(() => undefined);
        return { ok: true, status: res.status };
      }
      const answer = (await res.text().catch(() => '')).slice(0, 300);
      return { ok: false, status: res.status, error: describeFailure(res.status, null, answer) };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const message = `${e.name === 'TimeoutError' ? `no answer within ${this.config.networks.timeoutMs} ms` : e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
      return { ok: false, status: null, error: describeFailure(null, message) };
    }
  }

  private async recordFailure(endpoint: EndpointToSend, head: PendingWebhook, status: number | null, failure: string): Promise<void> {
    const now = new Date();
    const attempts = head.attempts + 1;
    const next = new Date(now.getTime() + retryDelay(attempts, { baseMs: this.config.webhooks.backoffMs, maxMs: this.config.webhooks.maxBackoffMs }));
    const failingSince = endpoint.failingSince ?? now;
    const disable = shouldDisable(failingSince, now, this.config.webhooks.disableAfterMs)
      ? `Disabled after failing without a success since ${failingSince.toISOString()}; last error: ${failure}`
      : null;
    await this.repo.failed(head.id, endpoint.id, status, failure, next, now, disable);
    endpoint.failingSince = failingSince;
    this.logger.warn({ endpointId: endpoint.id, eventId: head.eventId.toString(), attempts, err: failure, disabled: disable !== null }, 'webhook delivery failed');
  }
}
