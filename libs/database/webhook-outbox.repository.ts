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

  /** The endpoint's oldest pending delivery: events go out in order, a failure holds back the rest. */
  async head(endpointId: string): Promise<PendingWebhook | null> {
    const row = await this.db.webhookDelivery.findFirst({
      where: { endpointId, state: 'pending' },
      orderBy: { id: 'asc' },
      include: { event: true },
    });
    if (!row) return null;
    return { id: row.id, attempts: row.attempts, nextAttemptAt: row.nextAttemptAt, eventId: row.eventId, type: row.event.type, payload: row.event.payload, createdAt: row.event.createdAt };
  }

  async delivered(deliveryId: bigint, endpointId: string, status: number, now: Date): Promise<void> {
    await this.db.$transaction([
      this.db.webhookDelivery.update({
        where: { id: deliveryId },
        data: { state: 'delivered', attempts: { increment: 1 }, lastStatus: status, deliveredAt: now, updatedAt: now },
      }),
      this.db.webhookEndpoint.updateMany({ where: { id: endpointId, failingSince: { not: null } }, data: { failingSince: null } }),
    ]);
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
