import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { loadConfig } from '#config/config.js';
import { connectAccount, startApi, type Api, type Connected } from './support/api.js';
import { createTestEnv, inSeconds, waitFor, type TestEnv } from './support/env.js';
import { startWorker, type RunningProcess } from './support/processes.js';
import { approvedStrike, createVoters } from './support/strikes.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const WEBHOOK_ENV = { WEBHOOK_TICK_MS: '150', WEBHOOK_BACKOFF_MS: '100', WEBHOOK_MAX_BACKOFF_MS: '800', WEBHOOK_DISABLE_AFTER_MS: '12000' };

describe('webhooks: signed events for the organisation\'s other tools', () => {
  let t: TestEnv;
  let api: Api;
  let worker: RunningProcess;
  const mastodon = new FakeMastodon();
  const good = new WebhookReceiver();
  const flaky = new WebhookReceiver();
  const dead = new WebhookReceiver();
  let admin: string;
  let voters: string[];
  let journal: Connected;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestEnv(WEBHOOK_ENV);
    await Promise.all([mastodon.start(), good.start(), flaky.start(), dead.start()]);
    api = await startApi(t.config);
    worker = await startWorker(t.env);
    ({ token: admin } = await api.createOrganisation('Rédaction'));
    voters = await createVoters(api, admin, 2);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
    await Promise.all([mastodon.stop(), good.stop(), flaky.stop(), dead.stop()]);
    await t?.cleanup();
  });

  it('refuses private addresses, other schemes and unknown event types with a 400 naming the field', async () => {
    const strict = await startApi(loadConfig({ ...t.env, ALLOW_PRIVATE_INSTANCES: 'false' }));
    try {
      for (const url of ['https://127.0.0.1/hook', 'https://192.168.1.10/hook', 'http://example.org/hook', 'ftp://example.org/hook', 'javascript:alert(1)']) {
        const r = await strict.call('POST', '/v1/webhooks', admin, { url });
        expect({ url, status: r.status }).toEqual({ url, status: 400 });
        expect(r.body.errors[0].field).toBe('url');
      }
    } finally {
      await strict.close();
    }
    const r = await api.call('POST', '/v1/webhooks', admin, { url: good.url, eventTypes: ['strike.started', 'strike.exploded'] });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/eventTypes/);
    const member = voters[0]!;
    expect((await api.call('POST', '/v1/webhooks', member, { url: good.url })).status).toBe(403);
  });

  it('shows the secret once', async () => {
    for (const [name, receiver] of [['good', good], ['flaky', flaky], ['dead', dead]] as const) {
      const r = await api.call('POST', '/v1/webhooks', admin, { url: receiver.url, description: name });
      expect(r.status).toBe(201);
      expect(r.body.secret).toMatch(/^whsec_/);
      receiver.secrets = [r.body.secret];
      ids[name] = r.body.id;
      const again = await api.call('GET', `/v1/webhooks/${r.body.id}`, admin);
      expect(again.body.secret).toBeUndefined();
      expect(JSON.stringify(again.body)).not.toContain(r.body.secret.slice(6));
    }
    flaky.failures = 5;
    dead.failures = 1_000_000;
    dead.failStatus = 503;
  });

  it('sends every step of a strike, signed; a receiver failing five times gets them all once back, in order', async () => {
    journal = await connectAccount(api, admin, mastodon, 'journal');
    const start = Math.ceil((Date.now() + 6000) / 1000) * 1000;
    const end = start + 5000;
    const strike = await approvedStrike(api, admin, voters, {
      title: 'Grève', reason: 'Les salaires', startsAt: new Date(start).toISOString(), endsAt: new Date(end).toISOString(),
      accountIds: [journal.account.id], mode: 'silence', heldPolicy: 'resume', resumeSpacingSeconds: 1,
    });
    const held = await api.call('POST', '/v1/posts', admin, { text: 'Pendant la grève', scheduledAt: new Date(start + 1500).toISOString(), accountIds: [journal.account.id] });
    expect(held.status).toBe(201);

    const types = (r: WebhookReceiver) => r.accepted.filter((e) => e.data['strikeId'] === strike.id).map((e) => e.type);
    const wanted = ['motion.opened', 'motion.decided', 'strike.approved', 'strike.started', 'delivery.held', 'strike.ended', 'report.ready', 'delivery.published'];
    await waitFor(async () => wanted.every((w) => types(good).includes(w)), 'every step at the good receiver', 60_000).catch((err: Error) => {
      throw new Error(`${err.message}: got ${JSON.stringify(good.accepted.map((e) => [e.type, e.data['strikeId'] === strike.id]))}`);
    });
    await waitFor(async () => flaky.accepted.length >= good.accepted.length, 'every step at the flaky receiver', 30_000).catch(async (err: Error) => {
      const state = await api.call('GET', `/v1/webhooks/${ids['flaky']}`, admin);
      throw new Error(`${err.message}: ${JSON.stringify(state.body)} ${JSON.stringify(flaky.received.map((e) => [e.id, e.status]))} vs ${JSON.stringify(good.accepted.map((e) => e.id))}`);
    });

    // Every request, failed or not, carried a valid signature.
    for (const r of [good, flaky, dead]) expect(r.received.every((e) => e.verified[0] === true)).toBe(true);
    // In order per strike: the lifecycle as it happened.
    const seen = types(good);
    const order = ['motion.opened', 'strike.approved', 'strike.started', 'delivery.held', 'strike.ended'];
    expect(order.map((o) => seen.indexOf(o))).toEqual([...order.map((o) => seen.indexOf(o))].sort((a, b) => a - b));
    // The flaky one: the same events, in the same order, each accepted once after five failures.
    expect(flaky.received.slice(0, 5).every((e) => e.status === 500)).toBe(true);
    expect(flaky.accepted.map((e) => e.id)).toEqual(good.accepted.map((e) => e.id));
    expect(new Set(good.accepted.map((e) => e.id)).size).toBe(good.accepted.length);
    const log = await api.call('GET', `/v1/webhooks/${ids['flaky']}/deliveries?limit=500`, admin);
    const first = log.body[log.body.length - 1];
    expect(first).toMatchObject({ state: 'delivered', attempts: 6, lastStatus: 204, lastError: 'HTTP 500: not now' });
  });

  it('disables an endpoint after a long failure, with the reason', async () => {
    const endpoint = await waitFor(async () => {
      const r = await api.call('GET', `/v1/webhooks/${ids['dead']}`, admin);
      return r.body.state === 'disabled' ? r.body : null;
    }, 'the dead endpoint to be disabled', 30_000);
    expect(endpoint.disabledReason).toMatch(/HTTP 503/);
    expect(endpoint.deliveries.pending).toBeGreaterThan(0);
    const log = await api.call('GET', `/v1/webhooks/${ids['dead']}/deliveries`, admin);
    expect(log.body[log.body.length - 1]).toMatchObject({ state: 'pending', lastStatus: 503 });
    expect(log.body[log.body.length - 1].attempts).toBeGreaterThan(1);
  });

  it('a rotated secret: both verify during the overlap, only the new one after', async () => {
    const old = good.secrets[0]!;
    const rotated = await api.call('POST', `/v1/webhooks/${ids['good']}/rotate-secret`, admin, { overlapSeconds: 3 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(old);
    good.secrets = [rotated.body.secret, old];
    const publishOne = async (text: string) => {
      const before = good.accepted.length;
      const p = await api.call('POST', '/v1/posts', admin, { text, scheduledAt: inSeconds(1), accountIds: [journal.account.id] });
      expect(p.status).toBe(201);
      return waitFor(async () => good.accepted.slice(before).find((e) => e.type === 'delivery.published' && e.data['postId'] === p.body.id), `${text} reported`);
    };
    const during = await publishOne('Pendant le recouvrement');
    expect(during.verified).toEqual([true, true]);
    await waitFor(async () => Date.parse(rotated.body.previousSecretExpiresAt) < Date.now() - 200, 'the overlap to end');
    const after = await publishOne('Après le recouvrement');
    expect(after.verified).toEqual([true, false]);
  });
});
