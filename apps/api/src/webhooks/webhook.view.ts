import type { WebhookDeliveryRow, WebhookEndpointRow } from './webhooks.repository.js';

export function webhookView(e: WebhookEndpointRow, counts: Record<string, number> = {}, now = new Date()) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes,
    state: e.state,
    disabledReason: e.disabledReason,
    disabledAt: e.disabledAt,
    failingSince: e.failingSince,
    previousSecretExpiresAt: e.previousSecretExpiresAt && e.previousSecretExpiresAt > now ? e.previousSecretExpiresAt : null,
    deliveries: { pending: counts['pending'] ?? 0, delivered: counts['delivered'] ?? 0 },
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

export function webhookDeliveryView(d: WebhookDeliveryRow) {
  return {
    id: d.id.toString(),
    eventId: d.eventId.toString(),
    messageId: `evt_${d.eventId.toString()}`,
    type: d.event.type,
    strikeId: d.event.strikeId,
    state: d.state,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt : null,
    deliveredAt: d.deliveredAt,
    createdAt: d.event.createdAt,
  };
}
