import type { SchemaObject } from '@nestjs/swagger';
import { WEBHOOK_EVENT_TYPES } from '#webhooks/rules.js';

const str: SchemaObject = { type: 'string' };
const uuid: SchemaObject = { type: 'string', format: 'uuid' };
const date: SchemaObject = { type: 'string', format: 'date-time' };
const int: SchemaObject = { type: 'integer' };
const nullable = (s: SchemaObject): SchemaObject => ({ ...s, nullable: true });
const obj = (properties: Record<string, SchemaObject>): SchemaObject => ({ type: 'object', properties, required: Object.keys(properties) });

const endpoint = obj({
  id: uuid, url: str, description: nullable(str), eventTypes: { type: 'array', items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] } },
  state: { type: 'string', enum: ['active', 'disabled'] }, disabledReason: nullable(str), disabledAt: nullable(date), failingSince: nullable(date),
  previousSecretExpiresAt: nullable({ ...date, description: 'Until then the previous secret signs too (after a rotation)' }),
  deliveries: obj({ pending: int, delivered: int }), createdAt: date, updatedAt: date,
});
const delivery = obj({
  id: str, eventId: str, messageId: { type: 'string', description: 'The webhook-id header' }, type: str, strikeId: nullable(uuid),
  state: { type: 'string', enum: ['pending', 'delivered'] }, attempts: int, lastStatus: nullable(int), lastError: nullable(str),
  nextAttemptAt: nullable(date), deliveredAt: nullable(date), createdAt: date,
});

export const WebhookSchemas = {
  endpoint,
  endpoints: { type: 'array', items: endpoint } as SchemaObject,
  withSecret: obj({ ...endpoint.properties, secret: { type: 'string', description: 'The signing secret (whsec_…), shown this once: verify with any Standard Webhooks library' } }),
  deliveries: { type: 'array', items: delivery } as SchemaObject,
};
