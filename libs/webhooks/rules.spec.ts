import { describe, expect, it } from '@jest/globals';
import { describeFailure, isDelivered, newWebhookSecret, retryDelay, shouldDisable, webhookMessageId } from './rules.js';

describe('webhook rules', () => {
  it('retries with exponential backoff, capped, jittered', () => {
    const t = { baseMs: 1000, maxMs: 60_000 };
    expect(retryDelay(1, t, () => 0.5)).toBe(1000);
    expect(retryDelay(2, t, () => 0.5)).toBe(2000);
    expect(retryDelay(5, t, () => 0.5)).toBe(16_000);
    expect(retryDelay(50, t, () => 0.5)).toBe(60_000);
    expect(retryDelay(1, t, () => 0)).toBe(900);
    expect(retryDelay(1, t, () => 1)).toBe(1100);
  });

  it('disables an endpoint only after failing for long enough', () => {
    const now = new Date('2026-12-05T09:00:00Z');
    expect(shouldDisable(null, now, 1000)).toBe(false);
    expect(shouldDisable(new Date(now.getTime() - 999), now, 1000)).toBe(false);
    expect(shouldDisable(new Date(now.getTime() - 1000), now, 1000)).toBe(true);
  });

  it('names messages and secrets the Standard Webhooks way', () => {
    expect(webhookMessageId(42n)).toBe('evt_42');
    expect(newWebhookSecret(Buffer.alloc(24, 1))).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
  });

  it('only a 2xx delivers; failures are described on one line', () => {
    expect(isDelivered(204)).toBe(true);
    expect(isDelivered(301)).toBe(false);
    expect(describeFailure(500, null, 'boom\nagain')).toBe('HTTP 500: boom again');
    expect(describeFailure(null, 'ECONNREFUSED\n')).toBe('ECONNREFUSED');
  });
});
