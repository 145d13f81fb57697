import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthThrottleService, TooManyAttemptsException } from '../apps/api/src/common/auth-throttle.service.js';
import { startApi, type Api } from './support/api.js';
import { createTestEnv, type TestEnv } from './support/env.js';

// Two API processes' worth of apps on one Redis: failures counted by one are refused by the other.
describe('failed-auth throttling', () => {
  let t: TestEnv;
  let one: Api;
  let two: Api;
  let good: string;

  beforeAll(async () => {
    t = await createTestEnv({ AUTH_FAILURE_LIMIT: '5', AUTH_FAILURE_WINDOW_MS: '4000' });
    one = await startApi(t.config);
    two = await startApi(t.config);
    ({ token: good } = await one.createOrganisation('Limites'));
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
    await t?.cleanup();
  });

  it('answers 429 with Retry-After after the limit, across processes, for good tokens too, until the window ends', async () => {
    expect((await one.call('GET', '/v1/me', good)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await one.call('GET', '/v1/me', `pqt_wrong${i}wrongwrong`)).status).toBe(401);
    for (let i = 0; i < 2; i++) expect((await two.call('GET', '/v1/me', `pqt_bad${i}badbadbad`)).status).toBe(401);
    // Five failures between the two: both refuse now, the right token included.
    for (const api of [one, two]) {
      const res = await fetch(`${api.url}/v1/me`, { headers: { authorization: `Bearer ${good}` } });
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(4);
      expect(((await res.json()) as { message: string }).message).toMatch(/Too many failed authentication attempts/);
    }
    // Requests that need no token are not throttled.
    expect((await fetch(`${one.url}/health`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 4200));
    expect((await two.call('GET', '/v1/me', good)).status).toBe(200);
  });

  it('exposes assertAllowed / recordFailure / reset for other sign-ins (keys of their own)', async () => {
    const throttle = one.app.get(AuthThrottleService);
    const key = 'passphrase:camille@example.org';
    for (let i = 0; i < 5; i++) {
      await throttle.assertAllowed(key);
      await throttle.recordFailure(key);
    }
    const refused = await throttle.assertAllowed(key).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TooManyAttemptsException);
    expect((refused as TooManyAttemptsException).getStatus()).toBe(429);
    await throttle.reset(key);
    await expect(throttle.assertAllowed(key)).resolves.toBeUndefined();
  });
});
