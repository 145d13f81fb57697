import type { SchemaObject } from '@nestjs/swagger';

const str: SchemaObject = { type: 'string' };
const uuid: SchemaObject = { type: 'string', format: 'uuid' };
const date: SchemaObject = { type: 'string', format: 'date-time' };
const int: SchemaObject = { type: 'integer' };
const bool: SchemaObject = { type: 'boolean' };
const nullable = (s: SchemaObject): SchemaObject => ({ ...s, nullable: true });
const obj = (properties: Record<string, SchemaObject>): SchemaObject => ({ type: 'object', properties, required: Object.keys(properties) });

const feed = obj({
  id: uuid, url: str, title: nullable(str), template: str,
  accounts: { type: 'array', items: obj({ accountId: uuid, template: nullable(str), lastScheduledAt: nullable(date) }) },
  strikePolicy: { type: 'string', enum: ['hold', 'drop'] }, delaySeconds: int, spacingSeconds: int, backCatalogue: bool, paused: bool,
  status: { type: 'string', enum: ['pending', 'ok', 'failing', 'paused'] },
  lastPolledAt: nullable(date), lastSuccessAt: nullable(date), lastStatus: nullable(int), lastError: nullable(str), lastErrorAt: nullable(date),
  consecutiveFailures: int, nextPollAt: date, itemCount: int, createdById: nullable(uuid), createdAt: date,
});
const item = obj({
  id: uuid, title: str, url: nullable(str), publishedAt: nullable(date), seenAt: date,
  outcome: { type: 'string', enum: ['posted', 'back_catalogue', 'dropped', 'unfit'] }, postIds: { type: 'array', items: uuid },
});

/** Response schemas of the feeds routes. */
export const FeedSchemas = {
  feed,
  feeds: { type: 'array', items: feed } as SchemaObject,
  items: { type: 'array', items: item } as SchemaObject,
};
