import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import type { PrismaClient } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';
import { startApi, type Api } from './support/api.js';
import { Browser } from './support/http-browser.js';
import { createTestEnv, inSeconds, type TestEnv } from './support/env.js';

const PUBLIC_URL = 'http://localhost:39998';
const PASSPHRASE = 'correct horse battery staple';

/** Reads server-sent events from a streaming response, one at a time. */
class EventReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(res: Response) {
    this.reader = res.body!.getReader();
  }

  async next(): Promise<{ event: string; data: any }> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (event) return { event, data: JSON.parse(data) };
        continue; // retry: and keep-alive comment blocks
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error('the event stream ended');
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

describe('the web app\'s data: OAuth bound to the browser session, open motions and pending votes, secret ballots that close at a set time, live events', () => {
  let t: TestEnv;
  let api: Api;
  let db: PrismaClient;
  let adminToken: string;
  const mastodon = new FakeMastodon();
  let n = 0;

  beforeAll(async () => {
    await mastodon.start();
    t = await createTestEnv({ PUBLIC_URL });
    api = await startApi(t.config);
    db = api.app.get(PrismaService).client;
    ({ token: adminToken } = await api.createOrganisation('Rédaction'));
  });

  afterAll(async () => {
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  async function member(role: string) {
    const inv = await api.call('POST', '/v1/invitations', adminToken, { name: `${role} ${++n}`, role });
    const b = new Browser(api.url, PUBLIC_URL);
    const token = (inv.body.url as string).split('/invite/')[1];
    const res = await b.request('POST', `/v1/auth/invitations/${token}/accept`, { login: `${role}${n}@example.org`, passphrase: PASSPHRASE });
    expect(res.status).toBe(200);
    return b;
  }

  let admin: Browser;
  let accountId: string;

  describe('OAuth', () => {
    it('finishes only in the browser session that started it, after a confirmation naming the account and the organisation', async () => {
      admin = await member('admin');
      const colleague = await member('community_manager');
      mastodon.addAccount('redaction');
      const start = await admin.request('POST', '/v1/accounts/oauth/mastodon', { instanceUrl: mastodon.url });
      expect(start.status).toBe(201);
      const authorize = await fetch(start.body.authorizationUrl, { redirect: 'manual' });
      const callback = new URL(authorize.headers.get('location')!);
      expect(callback.origin).toBe(PUBLIC_URL);
      const path = callback.pathname + callback.search;

      // Opened by someone else, or with no session: nothing is linked, and the page says so.
      const elsewhere = await colleague.request('GET', path, undefined, { accept: 'text/html' });
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.text).toContain('No account was connected');
      const nobody = await new Browser(api.url, PUBLIC_URL).request('GET', path, undefined, { accept: 'text/html' });
      expect(nobody.status).toBe(403);
      expect((await api.call('GET', '/v1/accounts', adminToken)).body).toEqual([]);

      // In the session that started it: a confirmation page, in French when the browser asks.
      const page = await fetch(api.url + path, { headers: { cookie: admin.cookieHeader(), 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' } });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await page.text();
      expect(html).toContain('<html lang="fr">');
      expect(html).toContain('@redaction');
      expect(html).toContain('Rédaction');
      expect(html).toContain('Connecter');
      expect((await api.call('GET', '/v1/accounts', adminToken)).body).toEqual([]);
      const state = /name="state" value="([^"]+)"/.exec(html)![1]!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
      expect(csrf).toBe(admin.csrf);
      // A reload shows the same page (the code is spent once).
      const reload = await admin.request('GET', path, undefined, { accept: 'text/html' });
      expect(reload.status).toBe(200);
      expect(reload.text).toContain('Connect this account?');

      // The form posted from another session, without the CSRF field, or from another site links nothing.
      expect((await colleague.request('POST', '/v1/oauth/mastodon/confirm', undefined, { form: { state, csrf: colleague.csrf! } })).status).toBe(403);
      expect((await admin.request('POST', '/v1/oauth/mastodon/confirm', undefined, { form: { state, csrf: 'forged' } })).status).toBe(403);
      expect((await admin.request('POST', '/v1/oauth/mastodon/confirm', undefined, { form: { state, csrf }, origin: 'https://evil.example' })).status).toBe(403);
      expect((await api.call('GET', '/v1/accounts', adminToken)).body).toEqual([]);

      const confirmed = await admin.request('POST', '/v1/oauth/mastodon/confirm', undefined, { form: { state, csrf } });
      expect(confirmed.status).toBe(303);
      const location = confirmed.headers.get('location')!;
      expect(location).toMatch(/^\/accounts\?connected=[0-9a-f-]{36}$/);
      accountId = location.split('=')[1]!;
      const accounts = (await api.call('GET', '/v1/accounts', adminToken)).body;
      expect(accounts).toEqual([expect.objectContaining({ id: accountId, handle: expect.stringMatching(/^@redaction@/) })]);
      // Used once.
      expect((await admin.request('POST', '/v1/oauth/mastodon/confirm', undefined, { form: { state, csrf } })).status).toBe(400);
    });

    it('keeps linking at once for a flow started with an API token (automation)', async () => {
      const start = await api.call('POST', '/v1/accounts/oauth/mastodon', adminToken, { instanceUrl: mastodon.url });
      const authorize = await fetch(start.body.authorizationUrl, { redirect: 'manual' });
      const callback = new URL(authorize.headers.get('location')!);
      const done = await api.call('GET', callback.pathname + callback.search, null);
      expect(done.status).toBe(200);
      expect(done.body.handle).toMatch(/^@redaction@/);
    });
  });

  const strikeBody = (title: string) => ({
    title,
    reason: 'Contre la réforme',
    accountIds: [accountId],
    startsAt: inSeconds(3600),
    endsAt: inSeconds(7200),
    mode: 'occupation',
    heldPolicy: 'resume',
    messages: { opening: { text: 'Nous sommes en grève.' } },
  });

  describe('motions', () => {
    it('lists open motions with my vote and the count of votes, counts pending votes for the banner, and streams the live view', async () => {
      const m1 = await member('member');
      const m2 = await member('member');
      const proposed = await admin.request('POST', '/v1/strikes', strikeBody('Grève du 5'));
      expect(proposed.status).toBe(201);
      const strikeId = proposed.body.id as string;

      const open = await m1.request('GET', '/v1/motions?state=open');
      expect(open.status).toBe(200);
      expect(open.body).toEqual([
        expect.objectContaining({ kind: 'approve', strikeId, strikeTitle: 'Grève du 5', myVote: null, hasVoted: false, votedCount: 0, closesAt: null, ballot: 'named' }),
      ]);
      const eligible = open.body[0].eligibleCount as number;
      expect((await m1.request('GET', '/v1/motions?state=closed')).status).toBe(400);
      expect((await m1.request('GET', '/v1/auth/session')).body.pendingVotes).toBe(1);

      // Live events, with the session cookie: the state at connect, then the approval without a reload.
      const stream = await fetch(`${api.url}/v1/strikes/${strikeId}/events`, { headers: { cookie: m2.cookieHeader() } });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = new EventReader(stream);
      const first = await events.next();
      expect(first.event).toBe('live');
      expect(first.data).toEqual((await m2.request('GET', `/v1/strikes/${strikeId}/live`)).body);
      expect(first.data.state).toBe('proposed');

      const motionId = open.body[0].id as string;
      const vote = await m1.request('PUT', `/v1/motions/${motionId}/vote`, { choice: 'approve' });
      expect(vote.status).toBe(200);
      const mine = (await m1.request('GET', '/v1/motions?state=open')).body[0];
      expect(mine).toMatchObject({ myVote: 'approve', hasVoted: true, votedCount: 1 });
      expect((await m1.request('GET', '/v1/auth/session')).body.pendingVotes).toBe(0);
      expect((await m2.request('GET', '/v1/auth/session')).body.pendingVotes).toBe(1);

      // Five members have a vote (two admins, a community manager, two members): three approvals decide.
      expect(eligible).toBe(5);
      expect((await m2.request('PUT', `/v1/motions/${motionId}/vote`, { choice: 'approve' })).status).toBe(200);
      expect((await admin.request('PUT', `/v1/motions/${motionId}/vote`, { choice: 'approve' })).status).toBe(200);
      expect((await m2.request('GET', `/v1/strikes/${strikeId}`)).body.state).toBe('approved');
      let next = await events.next();
      while (next.data.state === 'proposed') next = await events.next();
      expect(next.event).toBe('live');
      expect(next.data.state).toBe('approved');
      await events.cancel();
      expect((await m2.request('GET', '/v1/motions?state=open')).body.filter((m: { strikeId: string }) => m.strikeId === strikeId)).toEqual([]);

      // Without a session or a token, no stream.
      expect((await fetch(`${api.url}/v1/strikes/${strikeId}/events`)).status).toBe(401);
    });

    it('counts a secret ballot only at its set close: no totals and no decision before, and no vote after', async () => {
      const rule = await admin.request('PUT', '/v1/organisation/decision-rule', {
        kind: 'votes',
        quorumCount: 2,
        quorumPercent: 1,
        ballot: 'secret',
        secretBallotClosesAfterMinutes: 60,
      });
      expect(rule.status).toBe(200);
      expect(rule.body.secretBallotClosesAfterMinutes).toBe(60);
      const voters = [admin, await member('member'), await member('member')];
      const proposed = await admin.request('POST', '/v1/strikes', strikeBody('Grève secrète'));
      expect(proposed.status).toBe(201);
      const listed = (await voters[1]!.request('GET', '/v1/motions?state=open')).body.find((m: { strikeId: string }) => m.strikeId === proposed.body.id);
      expect(listed.ballot).toBe('secret');
      expect(Math.abs(Date.parse(listed.closesAt) - (Date.now() + 3600_000))).toBeLessThan(120_000);
      const motionId = listed.id as string;

      for (const v of voters) expect((await v.request('PUT', `/v1/motions/${motionId}/vote`, { choice: 'approve' })).status).toBe(200);
      // Enough approvals for the rule, but the ballot is open until its close: nothing is revealed.
      const during = await voters[0]!.request('GET', `/v1/motions/${motionId}`);
      expect(during.body.status).toBe('open');
      expect(during.body.closesAt).toBe(listed.closesAt);
      expect(during.body.tally).not.toHaveProperty('approvals');
      expect(during.body.tally).not.toHaveProperty('rejections');
      expect(during.body.tally.cast).toBe(3);
      expect(JSON.stringify(during.body.votes)).not.toMatch(/approve|reject/);
      const mine = (await voters[1]!.request('GET', '/v1/motions?state=open')).body.find((m: { id: string }) => m.id === motionId);
      expect(mine).toMatchObject({ myVote: null, hasVoted: true, votedCount: 3 });
      expect((await api.call('GET', `/v1/strikes/${proposed.body.id}`, adminToken)).body.state).toBe('proposed');

      // The close comes: a vote then is refused, and the next read counts the ballot.
      await db.motion.update({ where: { id: motionId }, data: { closesAt: new Date(Date.now() - 1000) } });
      const late = await voters[2]!.request('PUT', `/v1/motions/${motionId}/vote`, { choice: 'reject' });
      expect(late.status).toBe(409);
      const after = await voters[0]!.request('GET', `/v1/motions/${motionId}`);
      expect(after.body.status).toBe('approved');
      expect(after.body.tally).toMatchObject({ approvals: 3, rejections: 0, cast: 3 });
      expect((await api.call('GET', `/v1/strikes/${proposed.body.id}`, adminToken)).body.state).toBe('approved');
    });
  });
});
