/** Webhook rules, pure: event types, retry schedule, when an endpoint gives up. */

export const WEBHOOK_EVENT_TYPES = [
  'motion.opened',
  'motion.decided',
  'strike.approved',
  'strike.amended',
  'strike.extended',
  'strike.started',
  'strike.ended',
  'strike.cancelled',
  'delivery.held',
  'delivery.failed',
  'delivery.published',
  'account.needs_reconnection',
  'report.ready',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export interface RetryTiming {
  baseMs: number;
  maxMs: number;
}

/** Delay before the next attempt after `attempts` failed ones: exponential, capped, with ±10 % jitter. */
export function retryDelay(attempts: number, t: RetryTiming, random: () => number = Math.random): number {
  const raw = Math.min(t.maxMs, t.baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  return Math.round(raw * (0.9 + 0.2 * random()));
}

/** An endpoint failing without a single success for this long is disabled. */
export function shouldDisable(failingSince: Date | null, now: Date, disableAfterMs: number): boolean {
  return failingSince !== null && now.getTime() - failingSince.getTime() >= disableAfterMs;
}

/** The message id of an event: the same on every retry, so receivers can drop duplicates. */
export const webhookMessageId = (eventId: bigint | string): string => `evt_${eventId.toString()}`;

/** Standard Webhooks secrets: `whsec_` then base64 of 24 to 64 random bytes. */
export function newWebhookSecret(random: Buffer): string {
  return `whsec_${random.toString('base64')}`;
}

/** Receivers' answers that will never change by retrying are still retried (their fix may be a deploy); only 2xx delivers. */
export const isDelivered = (status: number): boolean => status >= 200 && status < 300;

/** A short, single-line description of what went wrong, for the delivery log. */
export function describeFailure(status: number | null, error: string | null, body?: string): string {
  if (status !== null) return `HTTP ${status}${body ? `: ${body.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`;
  return (error ?? 'unknown error').replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** Associated data of a sealed endpoint secret: it opens only for its endpoint. */
export const webhookSecretContext = (endpointId: string): string => `webhook-secret:${endpointId}`;

/** The body every endpoint receives (Standard Webhooks' suggested shape). */
export function webhookBody(type: string, createdAt: Date, data: unknown): string {
  return JSON.stringify({ type, timestamp: createdAt.toISOString(), data });
}
