import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';

export interface EndpointToSend {
  id: string;
  url: string;
  state: string;
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
  previousSecretExpiresAt: Date | null;
  failingSince: Date | null;
}

export interface PendingWebhook {
  id: bigint;
  attempts: number;
  nextAttemptAt: Date;
  eventId: bigint;
  type: string;
  payload: unknown;
  createdAt: Date;
}

/**
 * The worker's side of webhooks. Events are written by triggers (migration 20261201300000) in the
 * transaction of what they report, with one pending delivery per endpoint; here they are read
 * per endpoint, oldest first, and their outcome recorded.
 */
@Injectable()
export class WebhookOutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  /** Active endpoints whose oldest pending delivery is due. */
  async dueEndpoints(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT h.endpoint_id::text AS id FROM (
        SELECT DISTINCT ON (wd.endpoint_id) wd.endpoint_id, wd.next_attempt_at
        FROM webhook_deliveries wd WHERE wd.state = 'pending'
        ORDER BY wd.endpoint_id, wd.id) h
      JOIN webhook_endpoints e ON e.id = h.endpoint_id AND e.state = 'active'
      WHERE h.next_attempt_at <= ${now}
      LIMIT ${limit}`;
    return rows.map((r) => r.id);
  }

  endpoint(id: string): Promise<EndpointToSend | null> {
    return this.db.webhookEndpoint.findUnique({
      where: { id },
      select: { id: true, url: true, state: true, secretCiphertext: true, previousSecretCiphertext: true, previousSecretExpiresAt: true, failingSince: true },
    });
  }

  /** The endpoint's oldest pending deliveries, in order (one query): a failure holds back the rest. */
  async pending(endpointId: string, limit: number): Promise<PendingWebhook[]> {
    return this.db.$queryRaw<PendingWebhook[]>`
      SELECT wd.id, wd.attempts, wd.next_attempt_at AS "nextAttemptAt", ev.id AS "eventId", ev.type, ev.payload, ev.created_at AS "createdAt"
      FROM webhook_deliveries wd JOIN webhook_events ev ON ev.id = wd.event_id
      WHERE wd.endpoint_id = ${endpointId}::uuid AND wd.state = 'pending'
      ORDER BY wd.id
      LIMIT ${limit}`;
  }

  /**
   * Records deliveries accepted, in one statement (after a batch: a crash before it sends them
   * again, with the same webhook-id: at least once). A success ends the endpoint's failing spell.
   */
  async delivered(done: { id: bigint; status: number }[], endpointId: string, wasFailing: boolean, now: Date): Promise<void> {
    if (done.length === 0) return;
    const ids = done.map((d) => d.id.toString());
    const statuses = done.map((d) => d.status);
    await this.db.$executeRaw`
      UPDATE webhook_deliveries wd SET state = 'delivered', attempts = wd.attempts + 1, last_status = x.status, delivered_at = ${now}, updated_at = ${now}
      FROM unnest(${ids}::bigint[], ${statuses}::int[]) AS x(id, status)
      WHERE wd.id = x.id`;
    if (wasFailing) await this.db.webhookEndpoint.updateMany({ where: { id: endpointId, failingSince: { not: null } }, data: { failingSince: null } });
  }

  /** A failed attempt; with `disable`, the endpoint is disabled for that reason (its deliveries wait). */
  async failed(deliveryId: bigint, endpointId: string, status: number | null, error: string, nextAttemptAt: Date, now: Date, disable: string | null): Promise<void> {
    await this.db.$transaction(async (tx) => {
      await tx.webhookDelivery.update({
        where: { id: deliveryId },
        data: { attempts: { increment: 1 }, lastStatus: status, lastError: error.slice(0, 500), nextAttemptAt, updatedAt: now },
      });
      await tx.webhookEndpoint.updateMany({ where: { id: endpointId, failingSince: null }, data: { failingSince: now } });
      if (disable) {
        await tx.webhookEndpoint.update({ where: { id: endpointId }, data: { state: 'disabled', disabledReason: disable.slice(0, 500), disabledAt: now } });
      }
    });
  }
}
