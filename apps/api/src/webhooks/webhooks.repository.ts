import { Injectable } from '@nestjs/common';
import type { Prisma } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';

export type WebhookEndpointRow = Prisma.WebhookEndpointGetPayload<object>;
const DELIVERY_INCLUDE = { event: { select: { type: true, strikeId: true, createdAt: true } } } as const satisfies Prisma.WebhookDeliveryInclude;
export type WebhookDeliveryRow = Prisma.WebhookDeliveryGetPayload<{ include: typeof DELIVERY_INCLUDE }>;

export interface EndpointChanges {
  url?: string;
  description?: string;
  eventTypes?: string[];
}

@Injectable()
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  create(id: string, organisationId: string, createdById: string, data: { url: string; description: string | null; eventTypes: string[]; secretCiphertext: string }): Promise<WebhookEndpointRow> {
    return this.db.webhookEndpoint.create({ data: { id, organisationId, createdById, ...data } });
  }

  list(organisationId: string): Promise<WebhookEndpointRow[]> {
    return this.db.webhookEndpoint.findMany({ where: { organisationId }, orderBy: { createdAt: 'asc' } });
  }

  find(organisationId: string, id: string): Promise<WebhookEndpointRow | null> {
    return this.db.webhookEndpoint.findFirst({ where: { id, organisationId } });
  }

  /** `enabled`: true re-enables (failures forgotten, waiting deliveries due now), false disables. */
  async update(organisationId: string, id: string, changes: EndpointChanges, enabled: boolean | undefined, now: Date): Promise<WebhookEndpointRow | null> {
    return this.db.$transaction(async (tx) => {
      const current = await tx.webhookEndpoint.findFirst({ where: { id, organisationId } });
      if (!current) return null;
      const state =
        enabled === true && current.state !== 'active'
          ? { state: 'active', disabledReason: null, disabledAt: null, failingSince: null }
          : enabled === false && current.state === 'active'
            ? { state: 'disabled', disabledReason: 'Disabled by a member', disabledAt: now }
            : {};
      if ('state' in state && state.state === 'active') {
        await tx.webhookDelivery.updateMany({ where: { endpointId: id, state: 'pending' }, data: { nextAttemptAt: now } });
      }
      return tx.webhookEndpoint.update({ where: { id }, data: { ...changes, ...state } });
    });
  }

  rotate(organisationId: string, id: string, secretCiphertext: string, previousSecretCiphertext: string, previousSecretExpiresAt: Date): Promise<WebhookEndpointRow> {
    return this.db.webhookEndpoint.update({ where: { id, organisationId }, data: { secretCiphertext, previousSecretCiphertext, previousSecretExpiresAt } });
  }

  async remove(organisationId: string, id: string): Promise<boolean> {
    const { count } = await this.db.webhookEndpoint.deleteMany({ where: { id, organisationId } });
    return count > 0;
  }

  /** The delivery log, latest first. */
  deliveries(endpointId: string, limit: number): Promise<WebhookDeliveryRow[]> {
    return this.db.webhookDelivery.findMany({ where: { endpointId }, orderBy: { id: 'desc' }, take: limit, include: DELIVERY_INCLUDE });
  }

  /** Counts per state, for the endpoint's summary. */
  async counts(endpointIds: string[]): Promise<Map<string, Record<string, number>>> {
    const rows = await this.db.webhookDelivery.groupBy({ by: ['endpointId', 'state'], where: { endpointId: { in: endpointIds } }, _count: { _all: true } });
    const out = new Map<string, Record<string, number>>();
    for (const r of rows) out.set(r.endpointId, { ...(out.get(r.endpointId) ?? {}), [r.state]: r._count._all });
    return out;
  }
}
