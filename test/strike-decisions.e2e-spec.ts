import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { openChoice, sealChoice } from '#strikes/persistence/ballot-box.js';
import { SecretBox } from '#crypto/secret-box.js';
import type { PrismaClient } from '#database/generated/client.js';
import { PrismaService } from '#database/prisma.service.js';
import { connectAccount, startApi, type Api, type Connected } from './support/api.js';
import { createTestEnv, inSeconds, type TestEnv } from './support/env.js';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

interface Person {
  id: string;
  token: string;
}

interface Org {
  admin: Person;
  people: Record<string, Person>;
  account: Connected;
}

describe('strike decisions: the rule, votes, secret ballots, assemblies, motions and the audit trail', () => {
  let t: TestEnv;
  let api: Api;
  let db: PrismaClient;
  const mastodon = new FakeMastodon();
  let orgCount = 0;

  beforeAll(async () => {
    t = await createTestEnv();
    await mastodon.start();
    api = await startApi(t.config);
    db = api.app.get(PrismaService).client;
  });

  afterAll(async () => {
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  /** A fresh organisation per scenario, so the number of voters is exactly what the test says. */
  async function makeOrg(people: Record<string, string>): Promise<Org> {
    const n = ++orgCount;
    const created = await api.createOrganisation(`Collectif ${n}`);
    const admin = { id: created.memberId, token: created.token };
    const out: Record<string, Person> = {};
    for (const [name, role] of Object.entries(people)) {
      const m = await api.call('POST', '/v1/members', admin.token, { name, role });
      expect(m.status).toBe(201);
      const tk = await api.call('POST', `/v1/members/${m.body.id}/tokens`, admin.token, { name: 'test' });
      out[name] = { id: m.body.id, token: tk.body.token };
    }
    const account = await connectAccount(api, admin.token, mastodon, `compte${n}`);
    return { admin, people: out, account };
  }

  const strikeBody = (accountIds: string[], extra: Record<string, unknown> = {}) => ({
    title: 'Grève du 5 décembre',
    reason: 'Contre la réforme des retraites',
    startsAt: inSeconds(3600),
    endsAt: inSeconds(7200),
    accountIds,
    mode: 'occupation',
    messages: { opening: { text: 'Nous sommes en grève.' } },
    ...extra,
  });

  async function propose(token: string, body: Record<string, unknown>) {
    const r = await api.call('POST', '/v1/strikes', token, body);
    expect({ status: r.status, body: r.status === 201 ? 'ok' : r.body }).toEqual({ status: 201, body: 'ok' });
    const motion = (r.body.motions as { id: string; kind: string }[]).find((m) => m.kind === 'approve')!;
    return { strike: r.body, motionId: motion.id };
  }

  const vote = (token: string, motionId: string, choice: string) => api.call('PUT', `/v1/motions/${motionId}/vote`, token, { choice });

  async function voteOk(token: string, motionId: string, choice: string) {
    const r = await vote(token, motionId, choice);
    expect({ status: r.status, body: r.status === 200 ? 'ok' : r.body }).toEqual({ status: 200, body: 'ok' });
    return r.body;
  }

  const auditOf = async (token: string, strikeId: string) =>
    (await api.call('GET', `/v1/audit?strikeId=${strikeId}&limit=500`, token)).body.items as {
      action: string;
      actor: { id: string; name: string } | null;
      motionId: string | null;
      detail: Record<string, unknown>;
    }[];

  describe('the decision rule', () => {
    it('is read by every member, set by admins only, never lets one person approve alone, and is audited', async () => {
      const org = await makeOrg({ cm: 'community_manager', viewer: 'viewer' });
      const read = await api.call('GET', '/v1/organisation/decision-rule', org.people['viewer']!.token);
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ kind: 'votes', quorumCount: 2, quorumPercent: 50, ballot: 'named' });

      const rule = { kind: 'votes', quorumCount: 3, quorumPercent: 40, ballot: 'secret' };
      expect((await api.call('PUT', '/v1/organisation/decision-rule', org.people['cm']!.token, rule)).status).toBe(403);
      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ ...rule, quorumCount: 1 }, 'quorumCount', /one person alone/],
        [{ ...rule, quorumCount: 2.5 }, 'quorumCount', /integer/],
        [{ ...rule, quorumPercent: 0 }, 'quorumPercent', /1/],
        [{ ...rule, quorumPercent: 101 }, 'quorumPercent', /100/],
        [{ ...rule, kind: 'lottery' }, 'kind', /one of: votes, assembly/],
        [{ ...rule, ballot: 'open' }, 'ballot', /one of: named, secret/],
        [{ kind: 'votes', quorumPercent: 50, ballot: 'named' }, 'quorumCount', /integer/],
      ];
      for (const [body, field, message] of cases) {
        const r = await api.call('PUT', '/v1/organisation/decision-rule', org.admin.token, body);
        expect({ field, status: r.status }).toEqual({ field, status: 400 });
        const messages = r.body.errors.filter((e: { field: string }) => e.field === field).map((e: { message: string }) => e.message);
        expect({ field, error: messages.join('; ') }).toEqual({ field, error: expect.stringMatching(message) });
      }
      expect((await api.call('GET', '/v1/organisation/decision-rule', org.admin.token)).body.quorumCount).toBe(2);

      const set = await api.call('PUT', '/v1/organisation/decision-rule', org.admin.token, rule);
      expect(set.status).toBe(200);
      expect(set.body).toEqual(rule);
      expect((await api.call('GET', '/v1/organisation/decision-rule', org.people['cm']!.token)).body).toEqual(rule);
      const audit = (await api.call('GET', '/v1/audit', org.people['viewer']!.token)).body.items;
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'decision-rule.changed',
          actor: { id: org.admin.id, name: 'admin' },
          strikeId: null,
          detail: { before: { kind: 'votes', quorumCount: 2, quorumPercent: 50, ballot: 'named' }, after: rule },
        }),
      ]);
      expect(typeof audit[0].id).toBe('string');
    });

    it('a proposer alone cannot approve: two approvals are the least, even in an organisation of one', async () => {
      const org = await makeOrg({});
      const { strike, motionId } = await propose(org.admin.token, strikeBody([org.account.account.id]));
      expect(strike.motions[0].votes).toEqual([]);
      const after = await voteOk(org.admin.token, motionId, 'approve');
      expect(after.status).toBe('open');
      expect(after.tally).toEqual({ eligible: 1, needed: 2, cast: 1, approvals: 1, rejections: 0 });
      expect((await api.call('GET', `/v1/strikes/${strike.id}`, org.admin.token)).body.state).toBe('proposed');
    });
  });

  describe('votes in Piquet', () => {
    it('with 5 voters and 2 / 50 %: 3 approvals are needed, and they must outnumber rejections', async () => {
      const org = await makeOrg({ m1: 'member', m2: 'member', cm: 'community_manager', m3: 'member', viewer: 'viewer' });
      const p = org.people;
      // A member (not only admins) may propose; the proposer's vote is not cast for them.
      const { strike, motionId } = await propose(p['m1']!.token, strikeBody([org.account.account.id]));
      expect(strike.state).toBe('proposed');
      expect(strike.motions).toEqual([
        expect.objectContaining({
          kind: 'approve',
          status: 'open',
          rule: { kind: 'votes', quorumCount: 2, quorumPercent: 50, ballot: 'named' },
          createdBy: { id: p['m1']!.id, name: 'm1' },
          votes: [],
          tally: { eligible: 5, needed: 3, cast: 0, approvals: 0, rejections: 0 },
        }),
      ]);

      expect((await voteOk(p['m1']!.token, motionId, 'approve')).tally).toMatchObject({ approvals: 1, rejections: 0 });
      const two = await voteOk(p['m2']!.token, motionId, 'approve');
      expect(two.status).toBe('open');
      expect(two.tally).toEqual({ eligible: 5, needed: 3, cast: 2, approvals: 2, rejections: 0 });

      const viewer = await vote(p['viewer']!.token, motionId, 'approve');
      expect(viewer.status).toBe(403);
      expect(viewer.body.message).toMatch(/[Vv]iewers have no vote/);

      expect((await voteOk(p['cm']!.token, motionId, 'reject')).status).toBe('open');
      const third = await voteOk(org.admin.token, motionId, 'approve');
      expect(third.status).toBe('approved');
      expect(third.tally).toEqual({ eligible: 5, needed: 3, cast: 4, approvals: 3, rejections: 1 });
      expect(third.votes.map((v: { name: string; choice: string }) => [v.name, v.choice])).toEqual([
        ['m1', 'approve'],
        ['m2', 'approve'],
        ['cm', 'reject'],
        ['admin', 'approve'],
      ]);
      expect(third.votes[0]).toEqual({ memberId: p['m1']!.id, name: 'm1', choice: 'approve', votedAt: expect.any(String), counts: true });

      const row = await db.motion.findUniqueOrThrow({ where: { id: motionId } });
      expect(row).toMatchObject({ status: 'approved', approvals: 3, rejections: 1, eligible: 5 });
      expect(row.decidedAt).toBeInstanceOf(Date);
      const approved = await api.call('GET', `/v1/strikes/${strike.id}`, org.admin.token);
      expect(approved.body.state).toBe('approved');
      expect(approved.body.effectiveFrom).toBe(strike.startsAt);

      const late = await vote(p['m3']!.token, motionId, 'reject');
      expect(late.status).toBe(409);
      expect(late.body.message).toMatch(/approved/);
      expect(await db.vote.count({ where: { motionId } })).toBe(4);
    });

    it('a tie never carries, even at the threshold; voters are counted anew at each vote', async () => {
      const org = await makeOrg({ m1: 'member', m2: 'member', m3: 'member', m4: 'member' });
      const p = org.people;
      const { strike, motionId } = await propose(org.admin.token, strikeBody([org.account.account.id]));
      await voteOk(org.admin.token, motionId, 'approve');
      await voteOk(p['m1']!.token, motionId, 'approve');
      await voteOk(p['m2']!.token, motionId, 'reject');
      expect((await voteOk(p['m3']!.token, motionId, 'reject')).tally).toEqual({ eligible: 5, needed: 3, cast: 4, approvals: 2, rejections: 2 });
      // m4 loses the vote: 4 voters now, so 2 approvals reach the threshold, but 2 do not outnumber 2.
      expect((await api.call('PATCH', `/v1/members/${p['m4']!.id}`, org.admin.token, { role: 'viewer' })).status).toBe(200);
      const tie = await voteOk(org.admin.token, motionId, 'approve');
      expect(tie.status).toBe('open');
      expect(tie.tally).toEqual({ eligible: 4, needed: 2, cast: 4, approvals: 2, rejections: 2 });
      const carried = await voteOk(p['m3']!.token, motionId, 'approve');
      expect(carried.status).toBe('approved');
      expect(carried.tally).toEqual({ eligible: 4, needed: 2, cast: 4, approvals: 3, rejections: 1 });
      expect((await api.call('GET', `/v1/strikes/${strike.id}`, org.admin.token)).body.state).toBe('approved');
    });

    it('a member voting again changes their vote (one row); enough rejections reject the strike', async () => {
      const org = await makeOrg({ m1: 'member', m2: 'member', m3: 'member', m4: 'member' });
      const p = org.people;
      const { strike, motionId } = await propose(p['m1']!.token, strikeBody([org.account.account.id]));
      await voteOk(p['m1']!.token, motionId, 'approve');
      const changed = await voteOk(p['m1']!.token, motionId, 'reject');
      expect(changed.tally).toEqual({ eligible: 5, needed: 3, cast: 1, approvals: 0, rejections: 1 });
      expect(changed.votes).toEqual([expect.objectContaining({ memberId: p['m1']!.id, choice: 'reject' })]);
      expect(await db.vote.findMany({ where: { motionId }, select: { memberId: true, choice: true } })).toEqual([{ memberId: p['m1']!.id, choice: 'reject' }]);

      await voteOk(p['m2']!.token, motionId, 'reject');
      await voteOk(p['m3']!.token, motionId, 'approve');
      const rejected = await voteOk(p['m4']!.token, motionId, 'reject');
      expect(rejected.status).toBe('rejected');
      expect(rejected.tally).toEqual({ eligible: 5, needed: 3, cast: 4, approvals: 1, rejections: 3 });
      const s = await api.call('GET', `/v1/strikes/${strike.id}`, org.admin.token);
      expect(s.body.state).toBe('rejected');
      expect(s.body.effectiveFrom).toBeNull();
      expect((await vote(org.admin.token, motionId, 'approve')).status).toBe(409);
      // A rejected strike is not edited, stopped or extended.
      expect((await api.call('PATCH', `/v1/strikes/${strike.id}`, p['m1']!.token, { title: 'Encore' })).status).toBe(409);
      expect((await api.call('POST', `/v1/strikes/${strike.id}/stop`, p['m1']!.token, {})).status).toBe(409);

      const actions = (await auditOf(org.admin.token, strike.id)).map((a) => a.action);
      expect(actions).toEqual(['strike.proposed', 'vote.cast', 'vote.cast', 'vote.cast', 'vote.cast', 'vote.cast', 'motion.rejected']);
      const trail = await auditOf(org.admin.token, strike.id);
      expect(trail[2]!.detail).toEqual({ ballot: 'named', choice: 'reject', changedFrom: 'approve' });
      expect(trail[6]).toMatchObject({ actor: null, detail: { kind: 'approve', approvals: 1, rejections: 3, eligible: 5, needed: 3 } });
    });

    it('a removed member\'s vote is shown but no longer counts', async () => {
      const org = await makeOrg({ m1: 'member', m2: 'member', m3: 'member' });
      const p = org.people;
      const { motionId } = await propose(org.admin.token, strikeBody([org.account.account.id]));
      await voteOk(p['m1']!.token, motionId, 'approve');
      expect((await voteOk(p['m2']!.token, motionId, 'reject')).tally).toEqual({ eligible: 4, needed: 2, cast: 2, approvals: 1, rejections: 1 });
      expect((await api.call('DELETE', `/v1/members/${p['m2']!.id}`, org.admin.token)).status).toBe(204);
      const now = (await api.call('GET', `/v1/motions/${motionId}`, org.admin.token)).body;
      expect(now.tally).toEqual({ eligible: 3, needed: 2, cast: 1, approvals: 1, rejections: 0 });
      expect(now.votes.map((v: { name: string; counts: boolean }) => [v.name, v.counts])).toEqual([['m1', true], ['m2', false]]);
      const decided = await voteOk(p['m3']!.token, motionId, 'approve');
      expect(decided.status).toBe('approved');
      expect(decided.tally).toEqual({ eligible: 3, needed: 2, cast: 2, approvals: 2, rejections: 0 });
    });

    it('two last votes at the same instant decide once', async () => {
      const org = await makeOrg({ m1: 'member', m2: 'member', m3: 'member', m4: 'member' });
      const p = org.people;
      const { strike, motionId } = await propose(org.admin.token, strikeBody([org.account.account.id]));
      await voteOk(p['m1']!.token, motionId, 'approve');
      await voteOk(p['m2']!.token, motionId, 'approve');
      const both = await Promise.all([vote(p['m3']!.token, motionId, 'approve'), vote(p['m4']!.token, motionId, 'approve')]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(await db.motion.findUniqueOrThrow({ where: { id: motionId } })).toMatchObject({ status: 'approved', approvals: 3 });
      expect(await db.vote.count({ where: { motionId } })).toBe(3);
      const actions = (await auditOf(org.admin.token, strike.id)).map((a) => a.action);
      expect(actions.filter((a) => a === 'motion.approved')).toHaveLength(1);
    });
  });

  describe('secret ballots', () => {
    /** Objects that name a voter (a field equal to their id, or their actor entry) and also hold a choice. */
    function choicesNextToVoters(value: unknown, voterIds: Set<string>): string[] {
      const found: string[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) return v.forEach(walk);
        if (!v || typeof v !== 'object') return;
        const o = v as Record<string, unknown>;
        const names =
          Object.values(o).some((x) => typeof x === 'string' && voterIds.has(x)) ||
          (typeof o['actor'] === 'object' && o['actor'] !== null && voterIds.has((o['actor'] as { id: string }).id));
        if (names && /approve|reject/i.test(JSON.stringify(o))) found.push(JSON.stringify(o));
        Object.values(o).forEach(walk);
      };
      walk(value);
      return found;
    }

    it('never show who voted which way, to anyone: only who voted, the count while open, the totals once decided', async () => {
      const org = await makeOrg({ m1: 'member', m2: 'member', m3: 'member', m4: 'community_manager' });
      const p = org.people;
      await api.call('PUT', '/v1/organisation/decision-rule', org.admin.token, { kind: 'votes', quorumCount: 2, quorumPercent: 50, ballot: 'secret' });
      const { strike, motionId } = await propose(org.admin.token, strikeBody([org.account.account.id]));
      const voterIds = new Set([p['m1']!.id, p['m2']!.id, p['m3']!.id, p['m4']!.id]);
      const responses: unknown[] = [];
      const everythingAnAdminCanRead = async () => [
        (await api.call('GET', `/v1/strikes/${strike.id}`, org.admin.token)).body,
        (await api.call('GET', `/v1/motions/${motionId}`, org.admin.token)).body,
        (await api.call('GET', '/v1/strikes', org.admin.token)).body,
        (await api.call('GET', '/v1/audit', org.admin.token)).body,
        (await api.call('GET', `/v1/audit?strikeId=${strike.id}`, org.admin.token)).body,
      ];

      for (const [name, choice] of [['m1', 'approve'], ['m2', 'reject'], ['m3', 'approve']] as const) {
        const r = await voteOk(p[name]!.token, motionId, choice);
        responses.push(r);
        expect(r.status).toBe('open');
        // While open, only the number of votes cast: totals moving after each vote would tell each choice.
        expect(r.tally).toEqual({ eligible: 5, needed: 3, cast: responses.length });
        expect(JSON.stringify(r)).not.toContain('"choice"');
      }
      const whileOpen = await everythingAnAdminCanRead();
      const motionOpen = whileOpen[1] as { votes: Record<string, unknown>[]; tally: Record<string, unknown> };
      expect(motionOpen.tally).toEqual({ eligible: 5, needed: 3, cast: 3 });
      expect(motionOpen.votes.map((v) => v['name'])).toEqual(['m1', 'm2', 'm3']);
      for (const v of motionOpen.votes) expect(Object.keys(v).sort()).toEqual(['counts', 'memberId', 'name', 'votedAt']);
      expect(choicesNextToVoters([...responses, ...whileOpen], voterIds)).toEqual([]);

      const decided = await voteOk(p['m4']!.token, motionId, 'approve');
      responses.push(decided);
      expect(decided.status).toBe('approved');
      expect(decided.tally).toEqual({ eligible: 5, needed: 3, cast: 4, approvals: 3, rejections: 1 });
      const afterwards = await everythingAnAdminCanRead();
      expect(choicesNextToVoters([...responses, ...afterwards], voterIds)).toEqual([]);
      for (const body of [...responses, ...afterwards]) {
        for (const votes of findVoteLists(body)) {
          for (const v of votes) expect(JSON.stringify(v)).not.toMatch(/approve|reject/);
        }
      }
      const trail = (afterwards[4] as { items: { action: string; actor: { id: string } | null; detail: unknown }[] }).items;
      const casts = trail.filter((e) => e.action === 'vote.cast');
      expect(casts.map((e) => e.actor!.id)).toEqual([p['m1']!.id, p['m2']!.id, p['m3']!.id, p['m4']!.id]);
      for (const e of casts) expect(e.detail).toEqual({ ballot: 'secret', note: 'a secret ballot was cast' });

      // In the database: no clear choice, and sealed choices of equal length (the length would tell).
      const rows = await db.vote.findMany({ where: { motionId } });
      expect(rows).toHaveLength(4);
      expect(rows.every((r) => r.choice === null && typeof r.sealedChoice === 'string')).toBe(true);
      expect(new Set(rows.map((r) => r.sealedChoice!.length)).size).toBe(1);
      expect(rows.some((r) => /approve|reject/.test(r.sealedChoice!))).toBe(false);
    });

    it('a sealed choice only opens on its own row', () => {
      const box = new SecretBox(randomBytes(32));
      const [motion, member, other] = [randomUUID(), randomUUID(), randomUUID()];
      const sealed = sealChoice(box, motion, member, 'reject');
      expect(openChoice(box, motion, member, sealed)).toBe('reject');
      expect(() => openChoice(box, motion, other, sealed)).toThrow();
      expect(() => openChoice(box, randomUUID(), member, sealed)).toThrow();
      expect(sealChoice(box, motion, member, 'approve').length).toBe(sealed.length);
    });
  });

  describe('an assembly recorded in Piquet', () => {
    it('approves when for outnumbers against, rejects otherwise; only admins record, never in the future', async () => {
      const org = await makeOrg({ cm: 'community_manager', viewer: 'viewer' });
      const p = org.people;
      await api.call('PUT', '/v1/organisation/decision-rule', org.admin.token, { kind: 'assembly', quorumCount: 2, quorumPercent: 50, ballot: 'named' });
      const { strike, motionId } = await propose(p['cm']!.token, strikeBody([org.account.account.id]));
      expect(strike.motions[0]).toMatchObject({ rule: { kind: 'assembly' }, assembly: null });
      expect(strike.motions[0].votes).toBeUndefined();

      const voted = await vote(p['cm']!.token, motionId, 'approve');
      expect(voted.status).toBe(409);
      expect(voted.body.message).toMatch(/decides by assembly/);

      const record = { heldAt: inSeconds(-86400), votesFor: 41, votesAgainst: 12, votesAbstain: 3, minutes: 'https://example.org/ag-2026-12-01' };
      const assembly = (token: string, id: string, body: Record<string, unknown>) => api.call('POST', `/v1/motions/${id}/assembly`, token, body);
      expect((await assembly(p['viewer']!.token, motionId, record)).status).toBe(403);
      expect((await assembly(p['cm']!.token, motionId, record)).status).toBe(403);
      const future = await assembly(org.admin.token, motionId, { ...record, heldAt: inSeconds(3600) });
      expect(future.status).toBe(400);
      expect(future.body.errors).toEqual([{ field: 'heldAt', message: expect.stringMatching(/future/) }]);
      const noOffset = await assembly(org.admin.token, motionId, { ...record, heldAt: '2026-12-01T18:00:00' });
      expect(noOffset.body.errors[0].field).toBe('heldAt');
      const negative = await assembly(org.admin.token, motionId, { ...record, votesAgainst: -1, minutes: '' });
      expect(negative.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['minutes', 'votesAgainst']);
      expect((await db.motion.findUniqueOrThrow({ where: { id: motionId } })).status).toBe('open');

      const ok = await assembly(org.admin.token, motionId, record);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        status: 'approved',
        assembly: { votesFor: 41, votesAgainst: 12, votesAbstain: 3, minutes: record.minutes, recordedBy: { id: org.admin.id, name: 'admin' } },
      });
      expect((await api.call('GET', `/v1/strikes/${strike.id}`, org.admin.token)).body.state).toBe('approved');
      expect((await assembly(org.admin.token, motionId, record)).status).toBe(409);
      const trail = await auditOf(org.admin.token, strike.id);
      expect(trail.map((e) => e.action).slice(0, 3)).toEqual(['strike.proposed', 'assembly.recorded', 'motion.approved']);
      expect(trail[1]).toMatchObject({
        actor: { id: org.admin.id },
        detail: { votesFor: 41, votesAgainst: 12, votesAbstain: 3, minutes: record.minutes, outcome: 'approved', heldAt: expect.any(String) },
      });

      const second = await propose(org.admin.token, strikeBody([org.account.account.id], { title: 'Égalité' }));
      const tie = await assembly(org.admin.token, second.motionId, { ...record, votesFor: 20, votesAgainst: 20 });
      expect(tie.body.status).toBe('rejected');
      expect((await api.call('GET', `/v1/strikes/${second.strike.id}`, org.admin.token)).body.state).toBe('rejected');

      // An open motion keeps the rule it opened with; a motion decided by votes takes no assembly record.
      const third = await propose(org.admin.token, strikeBody([org.account.account.id], { title: 'Ouverte sous l’assemblée' }));
      await api.call('PUT', '/v1/organisation/decision-rule', org.admin.token, { kind: 'votes', quorumCount: 2, quorumPercent: 50, ballot: 'named' });
      expect((await vote(org.admin.token, third.motionId, 'approve')).status).toBe(409);
      const byVotes = await propose(org.admin.token, strikeBody([org.account.account.id], { title: 'Par les votes' }));
      const wrong = await assembly(org.admin.token, byVotes.motionId, record);
      expect(wrong.status).toBe(409);
      expect(wrong.body.message).toMatch(/votes/);
      expect((await assembly(org.admin.token, third.motionId, { ...record, votesFor: 1, votesAgainst: 0 })).body.status).toBe('approved');
    });
  });

  describe('changing a strike', () => {
    it('a proposed strike is edited in place and its votes start again', async () => {
      const org = await makeOrg({ m1: 'member', m2: 'member' });
      const p = org.people;
      const { strike, motionId } = await propose(p['m1']!.token, strikeBody([org.account.account.id]));
      await voteOk(p['m2']!.token, motionId, 'approve');
      const edited = await api.call('PATCH', `/v1/strikes/${strike.id}`, p['m2']!.token, { title: 'Grève reconductible', endsAt: inSeconds(10800) });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ title: 'Grève reconductible', state: 'proposed', reason: strike.reason });
      expect(edited.body.motions).toEqual([expect.objectContaining({ id: motionId, status: 'open', votes: [], tally: expect.objectContaining({ cast: 0 }) })]);
      expect(await db.vote.count({ where: { motionId } })).toBe(0);
      const trail = await auditOf(org.admin.token, strike.id);
      expect(trail.map((e) => e.action)).toEqual(['strike.proposed', 'vote.cast', 'strike.edited', 'votes.reset']);
      expect(trail[2]!.detail['changes']).toEqual(['title', 'endsAt']);
      expect(trail[3]!.detail).toEqual({ votesCleared: 1 });

      // Nothing to change, or a change that breaks the window: 400 and nothing written.
      expect((await api.call('PATCH', `/v1/strikes/${strike.id}`, p['m2']!.token, { title: 'Grève reconductible' })).status).toBe(400);
      const bad = await api.call('PATCH', `/v1/strikes/${strike.id}`, p['m2']!.token, { endsAt: inSeconds(60) });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([{ field: 'endsAt', message: expect.stringMatching(/after startsAt/) }]);
      expect((await api.call('GET', `/v1/strikes/${strike.id}`, org.admin.token)).body.title).toBe('Grève reconductible');
      expect((await auditOf(org.admin.token, strike.id)).length).toBe(4);

      // A proposal is withdrawn, not stopped; only its proposer or an admin may withdraw it.
      const stop = await api.call('POST', `/v1/strikes/${strike.id}/stop`, p['m1']!.token, {});
      expect(stop.status).toBe(409);
      expect(stop.body.message).toMatch(/withdraw/);
      expect((await api.call('POST', `/v1/motions/${motionId}/withdraw`, p['m2']!.token)).status).toBe(403);
      const withdrawn = await api.call('POST', `/v1/motions/${motionId}/withdraw`, p['m1']!.token);
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body.status).toBe('withdrawn');
      expect((await api.call('GET', `/v1/strikes/${strike.id}`, org.admin.token)).body.state).toBe('cancelled');
      expect((await vote(p['m2']!.token, motionId, 'approve')).status).toBe(409);
      expect((await api.call('POST', `/v1/motions/${motionId}/withdraw`, p['m1']!.token)).status).toBe(409);
      const last = (await auditOf(org.admin.token, strike.id)).at(-1)!;
      expect(last).toMatchObject({ action: 'motion.withdrawn', actor: { id: p['m1']!.id }, detail: { kind: 'approve', strikeCancelled: true } });
    });

    it('an approved strike stays as approved: edits, stops and extensions open motions, one of each kind at a time', async () => {
      const org = await makeOrg({ m1: 'member', m2: 'member', viewer: 'viewer' });
      const p = org.people;
      const { strike, motionId } = await propose(org.admin.token, strikeBody([org.account.account.id]));
      await voteOk(p['m1']!.token, motionId, 'approve');
      expect((await voteOk(p['m2']!.token, motionId, 'approve')).status).toBe('approved');
      const before = (await api.call('GET', `/v1/strikes/${strike.id}`, org.admin.token)).body;
      expect(before.state).toBe('approved');
      const rowBefore = await db.strike.findUniqueOrThrow({ where: { id: strike.id } });

      const edit = await api.call('PATCH', `/v1/strikes/${strike.id}`, p['m1']!.token, { title: 'Titre changé en douce', mode: 'silence' });
      expect(edit.status).toBe(200);
      expect(edit.body).toMatchObject({ title: before.title, mode: 'occupation', state: 'approved' });
      const amend = (edit.body.motions as { kind: string; status: string; proposal: { spec: Record<string, unknown> } }[]).find((m) => m.kind === 'amend')!;
      expect(amend.status).toBe('open');
      expect(amend.proposal.spec).toMatchObject({ title: 'Titre changé en douce', mode: 'silence', messages: { opening: null, rotation: [], closing: null } });
      const rowAfter = await db.strike.findUniqueOrThrow({ where: { id: strike.id } });
      expect(rowAfter).toEqual(rowBefore);
      const again = await api.call('PATCH', `/v1/strikes/${strike.id}`, p['m2']!.token, { title: 'Autre' });
      expect(again.status).toBe(409);
      expect(again.body.message).toMatch(/amend motion is already open/);

      const stop = await api.call('POST', `/v1/strikes/${strike.id}/stop`, p['m1']!.token, { note: 'Accord trouvé' });
      expect(stop.status).toBe(201);
      expect(stop.body).toMatchObject({ kind: 'stop', status: 'open', proposal: { note: 'Accord trouvé' }, strikeId: strike.id });
      expect((await api.call('POST', `/v1/strikes/${strike.id}/stop`, p['m2']!.token, {})).status).toBe(409);
      expect((await api.call('POST', `/v1/strikes/${strike.id}/stop`, p['viewer']!.token, {})).status).toBe(403);

      const earlier = await api.call('POST', `/v1/strikes/${strike.id}/extend`, p['m1']!.token, { endsAt: before.startsAt });
      expect(earlier.status).toBe(400);
      expect(earlier.body.errors[0]).toMatchObject({ field: 'endsAt', message: expect.stringMatching(/later than the current end/) });
      const later = new Date(new Date(before.endsAt).getTime() + 3600_000).toISOString();
      const extend = await api.call('POST', `/v1/strikes/${strike.id}/extend`, p['m1']!.token, { endsAt: later });
      expect(extend.status).toBe(201);
      expect(extend.body).toMatchObject({ kind: 'extend', status: 'open', proposal: { endsAt: later } });
      expect((await api.call('POST', `/v1/strikes/${strike.id}/extend`, p['m1']!.token, { endsAt: later })).status).toBe(409);

      // Nothing changed until a decision: the strike is still the approved version.
      expect((await db.strike.findUniqueOrThrow({ where: { id: strike.id } })).endsAt).toEqual(rowBefore.endsAt);

      // The proposer withdraws the amendment (another member may not); a new one is then decided.
      const amendId = (await db.motion.findFirstOrThrow({ where: { strikeId: strike.id, kind: 'amend' } })).id;
      expect((await api.call('POST', `/v1/motions/${amendId}/withdraw`, p['m2']!.token)).status).toBe(403);
      expect((await api.call('POST', `/v1/motions/${amendId}/withdraw`, p['m1']!.token)).body.status).toBe('withdrawn');
      expect((await api.call('GET', `/v1/strikes/${strike.id}`, org.admin.token)).body.state).toBe('approved');
      const second = await api.call('PATCH', `/v1/strikes/${strike.id}`, p['m2']!.token, { title: 'Titre voté' });
      expect(second.status).toBe(200);
      const secondId = (second.body.motions as { id: string; kind: string; status: string }[]).find((m) => m.kind === 'amend' && m.status === 'open')!.id;
      await voteOk(p['m1']!.token, secondId, 'approve');
      expect((await voteOk(org.admin.token, secondId, 'approve')).status).toBe('approved');
      expect((await api.call('GET', `/v1/strikes/${strike.id}`, org.admin.token)).body).toMatchObject({ title: 'Titre voté', state: 'approved' });

      const actions = (await auditOf(org.admin.token, strike.id)).map((e) => e.action);
      expect(actions.slice(0, 7)).toEqual(['strike.proposed', 'vote.cast', 'vote.cast', 'motion.approved', 'strike.approved', 'motion.opened', 'motion.opened']);
      expect(actions).toContain('motion.withdrawn');
      expect(actions.slice(-4)).toEqual(['vote.cast', 'vote.cast', 'motion.approved', 'strike.amended']);

      // A running strike (or an approved one whose window is already in force) is stopped or extended by decision, never edited.
      await db.strike.update({ where: { id: strike.id }, data: { effectiveFrom: new Date(Date.now() - 1000) } });
      const inForce = await api.call('PATCH', `/v1/strikes/${strike.id}`, org.admin.token, { title: 'Non' });
      expect(inForce.status).toBe(409);
      expect(inForce.body.message).toBe('a running strike can only be stopped or extended, each by decision');
      await db.strike.update({ where: { id: strike.id }, data: { state: 'running' } });
      const running = await api.call('PATCH', `/v1/strikes/${strike.id}`, org.admin.token, { title: 'Non' });
      expect(running.status).toBe(409);
      expect(running.body.message).toBe('a running strike can only be stopped or extended, each by decision');
    });
  });

  describe('the audit trail', () => {
    it('reads oldest first, pages with a cursor, and keeps organisations apart', async () => {
      const org = await makeOrg({ m1: 'member' });
      const other = await makeOrg({});
      const { strike, motionId } = await propose(org.admin.token, strikeBody([org.account.account.id]));
      await voteOk(org.people['m1']!.token, motionId, 'approve');
      await voteOk(org.admin.token, motionId, 'approve');
      const all = await auditOf(org.people['m1']!.token, strike.id);
      expect(all.map((e) => e.action)).toEqual(['strike.proposed', 'vote.cast', 'vote.cast', 'motion.approved', 'strike.approved']);
      expect(all[0]).toMatchObject({ actor: { id: org.admin.id, name: 'admin' }, motionId, detail: { title: strike.title, mode: 'occupation' } });
      expect(all[1]).toMatchObject({ actor: { id: org.people['m1']!.id, name: 'm1' }, detail: { choice: 'approve' } });
      const page1 = (await api.call('GET', `/v1/audit?strikeId=${strike.id}&limit=2`, org.admin.token)).body;
      expect(page1.items).toHaveLength(2);
      const page2 = (await api.call('GET', `/v1/audit?strikeId=${strike.id}&limit=2&cursor=${page1.nextCursor}`, org.admin.token)).body;
      expect([...page1.items, ...page2.items].map((e: { action: string }) => e.action)).toEqual(all.slice(0, 4).map((e) => e.action));
      expect((await api.call('GET', '/v1/audit?cursor=abc', org.admin.token)).body.errors[0].field).toBe('cursor');

      expect((await api.call('GET', `/v1/audit?strikeId=${strike.id}`, other.admin.token)).body.items).toEqual([]);
      expect((await api.call('GET', `/v1/strikes/${strike.id}`, other.admin.token)).status).toBe(404);
      expect((await api.call('GET', `/v1/motions/${motionId}`, other.admin.token)).status).toBe(404);
      expect((await vote(other.admin.token, motionId, 'approve')).status).toBe(404);
    });
  });

  describe('listing strikes', () => {
    it('newest first, filtered by state, in pages', async () => {
      const org = await makeOrg({});
      const ids: string[] = [];
      for (const title of ['un', 'deux', 'trois']) ids.push((await propose(org.admin.token, strikeBody([org.account.account.id], { title }))).strike.id);
      await api.call('POST', `/v1/motions/${(await db.motion.findFirstOrThrow({ where: { strikeId: ids[1] } })).id}/withdraw`, org.admin.token);
      const first = (await api.call('GET', '/v1/strikes?limit=2', org.admin.token)).body;
      expect(first.items.map((s: { title: string }) => s.title)).toEqual(['trois', 'deux']);
      const second = (await api.call('GET', `/v1/strikes?limit=2&cursor=${first.nextCursor}`, org.admin.token)).body;
      expect(second.items.map((s: { title: string }) => s.title)).toEqual(['un']);
      expect(second.nextCursor).toBeNull();
      const proposed = (await api.call('GET', '/v1/strikes?state=proposed', org.admin.token)).body;
      expect(proposed.items.map((s: { title: string }) => s.title)).toEqual(['trois', 'un']);
      expect((await api.call('GET', '/v1/strikes?state=striking', org.admin.token)).body.errors[0].field).toBe('state');
    });
  });

  describe('bad input', () => {
    it('names every invalid field of a proposal, and writes nothing', async () => {
      const org = await makeOrg({ viewer: 'viewer' });
      const other = await makeOrg({});
      mastodon.limits = { maxCharacters: 100, maxMedia: 1, charactersPerUrl: 23 };
      const small = await connectAccount(api, org.admin.token, mastodon, 'petit');
      mastodon.limits = { maxCharacters: 500, maxMedia: 4, charactersPerUrl: 23 };
      const form = new FormData();
      form.append('file', new Blob([PNG], { type: 'image/png' }), 'image.png');
      const image = (await api.call('POST', '/v1/media', org.admin.token, form)).body.id as string;
      const big = org.account.account.id;
      const both = [big, small.account.id];
      const ok = strikeBody(both);
      const img = (n: number) => Array.from({ length: n }, () => ({ mediaId: image, altText: 'Piquet de grève' }));
      const longText = 'x'.repeat(150);

      const counts = async () => ({
        strikes: await db.strike.count(),
        strikeAccounts: await db.strikeAccount.count(),
        motions: await db.motion.count(),
        votes: await db.vote.count(),
        audit: await db.auditEntry.count(),
      });
      const before = await counts();

      const cases: [Record<string, unknown>, string, RegExp][] = [
        [{ ...ok, endsAt: inSeconds(1800) }, 'endsAt', /after startsAt/],
        [{ ...ok, startsAt: inSeconds(-7200), endsAt: inSeconds(-3600) }, 'endsAt', /already over/],
        [{ ...ok, startsAt: inSeconds(-60) }, 'startsAt', /past.*future start/],
        [{ ...ok, startsAt: '2030-01-01T09:00:00' }, 'startsAt', /offset/],
        [{ ...ok, endsAt: 'demain' }, 'endsAt', /ISO 8601/],
        [{ ...ok, endsAt: inSeconds(3600 + 32 * 86400) }, 'endsAt', /at most 31 days/],
        [{ ...ok, accountIds: [big, UNKNOWN] }, 'accountIds.1', /not an account of your organisation/],
        [{ ...ok, accountIds: [other.account.account.id] }, 'accountIds.0', /not an account of your organisation/],
        [{ ...ok, accountIds: [big, big] }, 'accountIds', /twice/],
        [{ ...ok, accountIds: [] }, 'accountIds', /at least one/],
        [{ ...ok, allAccounts: true }, 'allAccounts', /not both/],
        [{ ...ok, accountIds: undefined }, 'accountIds', /required/],
        [{ ...ok, accountIds: undefined, allAccounts: false }, 'allAccounts', /accountIds/],
        [{ ...ok, messages: { opening: { text: longText } } }, 'messages.opening.text', new RegExp(`150 characters.*${small.account.handle}.*at most 100`)],
        [{ ...ok, messages: { opening: { text: 'ok' }, rotation: [{ text: 'ok' }, { text: longText }] } }, 'messages.rotation.1.text', /150 characters.*at most 100/],
        [{ ...ok, messages: { opening: { text: 'ok' }, closing: { text: 'x'.repeat(90), contentWarning: 'y'.repeat(20) } } }, 'messages.closing.text', /110 characters/],
        [{ ...ok, messages: { opening: { text: 'ok', media: img(2) } } }, 'messages.opening.media', /2 images.*at most 1/],
        [{ ...ok, messages: { opening: { text: 'ok', media: [{ mediaId: UNKNOWN, altText: 'x' }] } } }, 'messages.opening.media.0.mediaId', /not an image/],
        [{ ...ok, messages: { opening: { text: 'ok', media: [{ mediaId: image, altText: '' }] } } }, 'messages.opening.media.0.altText', /description/],
        [{ ...ok, messages: {} }, 'messages.opening', /required in occupation mode/],
        [{ ...ok, messages: undefined }, 'messages.opening', /required in occupation mode/],
        [{ ...ok, mode: 'silence', messages: { rotation: [{ text: 'non' }] } }, 'messages.rotation', /only published in occupation mode/],
        [{ ...ok, mode: 'silence' }, 'messages.opening', /only published in occupation mode/],
        [{ ...ok, mode: 'silence', messages: undefined, profile: { bio: 'En grève' } }, 'profile', /occupation mode/],
        [{ ...ok, profile: { displayNameSuffix: 'en grève reconductible !!' } }, 'profile.displayNameSuffix', /petit.*31 characters.*at most 30/],
        [{ ...ok, profile: { avatarMediaId: UNKNOWN } }, 'profile.avatarMediaId', /not an image/],
        [{ ...ok, profile: { bio: 'b'.repeat(501) } }, 'profile.bio', /500/],
        [{ ...ok, resumeSpacingSeconds: 0 }, 'resumeSpacingSeconds', /1/],
        [{ ...ok, occupationSpacingSeconds: 90000 }, 'occupationSpacingSeconds', /86400/],
        [{ ...ok, occupationSpacingSeconds: 1.5 }, 'occupationSpacingSeconds', /integer/],
        [{ ...ok, heldPolicy: 'keep' }, 'heldPolicy', /one of: resume, shift, drop, review/],
        [{ ...ok, mode: 'strike' }, 'mode', /one of: silence, occupation/],
        [{ ...ok, title: '' }, 'title', /empty/],
        [{ ...ok, title: 't'.repeat(201) }, 'title', /200/],
        [{ ...ok, reason: undefined }, 'reason', /string/],
        [{ ...ok, colour: 'rouge' }, 'colour', /should not exist/],
        [{ ...ok, messages: { opening: { text: 'ok', colour: 'rouge' } } }, 'messages.opening.colour', /should not exist/],
      ];
      for (const [body, field, message] of cases) {
        const r = await api.call('POST', '/v1/strikes', org.admin.token, body);
        expect({ field, status: r.status }).toEqual({ field, status: 400 });
        const messages = (r.body.errors ?? []).filter((e: { field: string }) => e.field === field).map((e: { message: string }) => e.message);
        expect({ field, error: messages.join('; '), all: messages.length ? '' : r.body.message }).toEqual({ field, error: expect.stringMatching(message), all: '' });
      }
      expect((await api.call('POST', '/v1/strikes', org.people['viewer']!.token, ok)).status).toBe(403);
      expect(await counts()).toEqual(before);

      // The same body, valid, is accepted (so each case above failed for its own reason).
      const fine = await api.call('POST', '/v1/strikes', org.admin.token, {
        ...ok,
        messages: { opening: { text: 'ok', media: img(1) }, closing: { text: 'Fin' } },
        profile: { displayNamePrefix: '✊', bio: 'En grève', avatarMediaId: image, pinOpening: true },
      });
      expect(fine.status).toBe(201);
      expect(fine.body).toMatchObject({
        accountIds: [...both].sort(),
        allAccounts: false,
        heldPolicy: 'resume',
        resumeSpacingSeconds: 300,
        occupationSpacingSeconds: 900,
        messages: { rotation: [{ text: 'ok', contentWarning: null, media: [{ mediaId: image }] }], closing: { text: 'Fin' } },
        profile: { displayNamePrefix: '✊', displayNameSuffix: null, bio: 'En grève', avatarMediaId: image, headerMediaId: null, pinOpening: true },
      });
      const silent = await api.call('POST', '/v1/strikes', org.admin.token, { ...ok, allAccounts: true, accountIds: undefined, mode: 'silence', messages: undefined });
      expect(silent.status).toBe(201);
      expect(silent.body).toMatchObject({ allAccounts: true, accountIds: [], messages: { opening: null, rotation: [], closing: null }, profile: null });
      expect(await db.strikeAccount.count({ where: { strikeId: silent.body.id } })).toBe(0);
      expect(await counts()).toEqual({ ...before, strikes: before.strikes + 2, strikeAccounts: before.strikeAccounts + 2, motions: before.motions + 2, audit: before.audit + 2 });
    });
  });
});

/** Every `votes` array anywhere in a response body. */
function findVoteLists(value: unknown): unknown[][] {
  const out: unknown[][] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'votes' && Array.isArray(x)) out.push(x);
      walk(x);
    }
  };
  walk(value);
  return out;
}
