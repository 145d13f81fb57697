import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnrecoverableError } from 'bullmq';
import { FakeMastodon, type FakeAccount } from '../../apps/sandbox/src/mastodon-server.js';
import { ACCOUNT_TOKEN_CONTEXT } from '#crypto/contexts.js';
import type { HeldPolicy } from '#strikes/domain/strike.js';
import { nativeFates, nativeParkTime } from '#strikes/domain/planner.js';
import { approvedStrike, MIN, newMedium, seedOrganisation, strikeSpec, type Medium, type Org } from './support/medium.js';

const LAST = { last: true };

/**
 * An account's occupation and restoration (OccupationService) against a Mastodon-compatible server
 * started in-process, with the strike's start and end run by the lifecycle at the fixed clock's minute.
 */
describe('occupation of an account, and its restoration', () => {
  let m: Medium;
  const mastodon = new FakeMastodon();

  beforeAll(async () => {
    await mastodon.start();
    // The server checks scheduled dates against its own clock: the fixed clock stays just ahead of it.
    m = await newMedium(new Date(Math.ceil(Date.now() / MIN) * MIN + MIN));
  });
  afterAll(async () => {
    await m?.close();
    await mastodon.stop();
  });

  /** An organisation whose one account is `username` on the fake server. */
  async function onServer(username: string): Promise<{ org: Org; remote: FakeAccount; accountId: string }> {
    const org = await seedOrganisation(m, { voters: 2, accounts: 1 });
    const remote = mastodon.addAccount(username);
    const accountId = org.accountIds[0]!;
    await m.db.account.update({
      where: { id: accountId },
      data: { instanceUrl: mastodon.url, remoteId: remote.id, tokenCiphertext: m.box.seal(remote.token, ACCOUNT_TOKEN_CONTEXT) },
    });
    return { org, remote, accountId };
  }

  const steps = async (strikeId: string, phase: 'occupy' | 'restore') =>
    Object.fromEntries((await m.db.occupationStep.findMany({ where: { strikeId, phase } })).map((s) => [s.step, s.outcome]));
  const scheduledAt = (accountId: string, id: string) => mastodon.scheduledOf(accountId).find((s) => s.id === id)?.scheduledAt;

  it('occupies the profile and parks native posts; restores what it changed, leaves a hand edit, gives parked posts the planner\'s times', async () => {
    const { org, remote, accountId } = await onServer('revue');
    mastodon.editProfileByHand(remote.id, { displayName: 'La Revue', note: 'Revue de sciences humaines' });
    const t0 = m.clock.now().getTime();
    const start = new Date(t0 + 60 * MIN);
    const end = new Date(t0 + 120 * MIN);
    const inWindow = mastodon.addScheduled(remote.id, 'programmé dans la fenêtre', new Date(start.getTime() + 10 * MIN));
    const afterAt = new Date(end.getTime() + 60 * MIN);
    const after = mastodon.addScheduled(remote.id, 'programmé après', afterAt);
    const profile = { displayNamePrefix: '✊', displayNameSuffix: 'en grève', bio: 'Nous sommes en grève.', avatarMediaId: null, headerMediaId: null, pinOpening: false };
    const id = await approvedStrike(m, org, strikeSpec(org, { startsAt: start, endsAt: end, profile }));
    const key = { strikeId: id, accountId };

    // Not started yet: nothing to occupy.
    expect(await m.occupation.occupy(key, LAST)).toBe('skipped');
    m.clock.set(start);
    await m.lifecycle.start(id, m.clock.now());
    expect(await m.occupation.occupy(key, LAST)).toBe('occupied');
    expect(mastodon.profileOf(remote.id)).toMatchObject({ displayName: '✊ La Revue en grève', note: 'Nous sommes en grève.' });
    const strike = (await m.lifecycle.find(id))!;
    expect(scheduledAt(remote.id, inWindow.id)).toEqual(nativeParkTime(strike));
    expect(scheduledAt(remote.id, inWindow.id)!.getTime()).toBe(end.getTime() + 365 * 24 * 60 * MIN);
    expect(scheduledAt(remote.id, after.id)).toEqual(afterAt);
    expect(await steps(id, 'occupy')).toEqual({ 'native-scheduled': 'done', profile: 'done', pin: 'skipped' });
    expect(await m.db.accountOccupation.findUniqueOrThrow({ where: { strikeId_accountId: key } })).toMatchObject({ occupyState: 'done' });
    // A second run (a retried job) changes nothing.
    expect(await m.occupation.occupy(key, LAST)).toBe('skipped');

    // During the strike: another tool schedules into the window (the rescan parks it), a person edits the bio.
    m.clock.advance(5 * MIN);
    const sneaky = mastodon.addScheduled(remote.id, 'programmé pendant la grève', new Date(start.getTime() + 20 * MIN));
    expect(await m.occupation.rescan(key, LAST)).toBe('rescanned');
    expect(scheduledAt(remote.id, sneaky.id)).toEqual(nativeParkTime(strike));
    mastodon.editProfileByHand(remote.id, { note: 'Bio réécrite à la main' });

    m.clock.set(end);
    await m.lifecycle.end(id, m.clock.now());
    const parked = await m.db.nativeHold.findMany({ where: { strikeId: id }, orderBy: { originalScheduledAt: 'asc' } });
    const planned = nativeFates(strike, parked.map((h) => ({ id: h.remoteId, accountId, at: h.originalScheduledAt })), m.clock.now());
    expect(await m.occupation.restore(key, LAST)).toBe('restored');

    expect(mastodon.profileOf(remote.id)).toMatchObject({ displayName: 'La Revue', note: 'Bio réécrite à la main' });
    const occupation = await m.db.accountOccupation.findUniqueOrThrow({ where: { strikeId_accountId: key } });
    expect(occupation).toMatchObject({ restoreState: 'done', report: { displayName: 'restored', bio: 'left as edited during the strike', nativeScheduled: '2 resume' } });
    expect(await steps(id, 'restore')).toEqual({
      'native-scheduled': 'done',
      'display-name': 'done',
      bio: 'edited-by-hand',
      avatar: 'skipped',
      header: 'skipped',
      unpin: 'skipped',
    });
    // Resume: from the first instant the instance accepts (6 minutes after the end), oldest first, 5 minutes apart.
    expect(planned.fate).toBe('resumed');
    expect([...planned.times!.values()]).toEqual([new Date(end.getTime() + 6 * MIN), new Date(end.getTime() + 11 * MIN)]);
    const after2 = await m.db.nativeHold.findMany({ where: { strikeId: id }, orderBy: { originalScheduledAt: 'asc' } });
    for (const h of after2) {
      expect({ fate: h.fate, at: h.newScheduledAt, fateAt: h.fateAt }).toEqual({ fate: 'resumed', at: planned.times!.get(h.remoteId), fateAt: end });
      expect(scheduledAt(remote.id, h.remoteId)).toEqual(planned.times!.get(h.remoteId));
    }
    expect(scheduledAt(remote.id, after.id)).toEqual(afterAt);
    expect(await m.occupation.restore(key, LAST)).toBe('skipped');
  });

  it.each<[Exclude<HeldPolicy, 'resume'>, string]>([
    ['shift', 'shifted'],
    ['drop', 'dropped'],
    ['review', 'review'],
  ])('gives natively scheduled posts the strike\'s fate at the end (%s)', async (policy, fate) => {
    const { org, remote, accountId } = await onServer(`native-${policy}`);
    const t0 = m.clock.now().getTime();
    const start = new Date(t0 + 60 * MIN);
    const end = new Date(t0 + 120 * MIN);
    // The fake server's record moves with the post: its first time is kept here.
    const due = new Date(start.getTime() + 10 * MIN);
    const native = mastodon.addScheduled(remote.id, 'natif', due);
    const id = await approvedStrike(m, org, strikeSpec(org, { startsAt: start, endsAt: end, heldPolicy: policy, mode: 'silence', messages: { opening: null, rotation: [], closing: null } }));
    const key = { strikeId: id, accountId };
    m.clock.set(start);
    await m.lifecycle.start(id, m.clock.now());
    expect(await m.occupation.occupy(key, LAST)).toBe('occupied');
    const strike = (await m.lifecycle.find(id))!;
    m.clock.set(end);
    await m.lifecycle.end(id, m.clock.now());
    expect(await m.occupation.restore(key, LAST)).toBe('restored');

    const hold = await m.db.nativeHold.findFirstOrThrow({ where: { strikeId: id } });
    const planned = nativeFates(strike, [{ id: hold.remoteId, accountId, at: hold.originalScheduledAt }], end);
    expect({ fate: hold.fate, fateAt: hold.fateAt }).toEqual({ fate, fateAt: end });
    expect(planned.fate).toBe(fate);
    if (policy === 'shift') {
      // Later by the strike's length (an hour), as the strike's own held posts.
      expect(hold.newScheduledAt).toEqual(new Date(due.getTime() + 60 * MIN));
      expect(hold.newScheduledAt).toEqual(planned.times!.get(hold.remoteId));
      expect(scheduledAt(remote.id, native.id)).toEqual(hold.newScheduledAt);
    }
    if (policy === 'drop') expect(scheduledAt(remote.id, native.id)).toBeUndefined();
    // Review: parked until a person decides.
    if (policy === 'review') expect(scheduledAt(remote.id, native.id)).toEqual(nativeParkTime(strike));
    if (policy !== 'shift') expect(hold.newScheduledAt).toBeNull();
  });

  it('waits for the opening post before pinning it, then pins it and unpins it at the end', async () => {
    const { org, remote, accountId } = await onServer('pin');
    const t0 = m.clock.now().getTime();
    const start = new Date(t0 + 60 * MIN);
    const end = new Date(t0 + 120 * MIN);
    const profile = { displayNamePrefix: null, displayNameSuffix: null, bio: null, avatarMediaId: null, headerMediaId: null, pinOpening: true };
    const id = await approvedStrike(m, org, strikeSpec(org, { startsAt: start, endsAt: end, profile }));
    const key = { strikeId: id, accountId };
    m.clock.set(start);
    await m.lifecycle.start(id, m.clock.now());
    expect(await m.occupation.occupy(key, LAST)).toEqual({ waitUntil: new Date(start.getTime() + 2000) });
    expect(await steps(id, 'occupy')).toEqual({ 'native-scheduled': 'done', profile: 'skipped' });

    // The opening post goes out (as the publish worker would record it).
    const res = await fetch(new URL('/api/v1/statuses', mastodon.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${remote.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'Nous sommes en grève.' }),
    });
    const status = (await res.json()) as { id: string };
    await m.db.delivery.updateMany({ where: { strikeId: id, accountId, post: { strikeRole: 'opening' } }, data: { state: 'published', remoteId: status.id } });
    expect(await m.occupation.occupy(key, LAST)).toBe('occupied');
    expect(mastodon.profileOf(remote.id).pinnedIds).toEqual([status.id]);

    m.clock.set(end);
    await m.lifecycle.end(id, m.clock.now());
    expect(await m.occupation.restore(key, LAST)).toBe('restored');
    expect(mastodon.profileOf(remote.id).pinnedIds).toEqual([]);
    expect(await steps(id, 'restore')).toMatchObject({ unpin: 'done' });
  });

  it('an account that needs reconnecting fails its occupation for good, every step with the reason', async () => {
    const { org, accountId } = await onServer('revoked');
    const t0 = m.clock.now().getTime();
    const id = await approvedStrike(m, org, strikeSpec(org, { startsAt: new Date(t0 + 60 * MIN), endsAt: new Date(t0 + 120 * MIN) }));
    m.clock.advance(60 * MIN);
    await m.lifecycle.start(id, m.clock.now());
    await m.db.account.update({ where: { id: accountId }, data: { status: 'needs_reconnection' } });
    // Permanent: the queue must not retry it, whatever attempts are left.
    await expect(m.occupation.occupy({ strikeId: id, accountId }, { last: false })).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await m.db.accountOccupation.findUniqueOrThrow({ where: { strikeId_accountId: { strikeId: id, accountId } } })).toMatchObject({
      occupyState: 'failed',
      lastError: expect.stringContaining('needs reconnecting'),
    });
    expect(await steps(id, 'occupy')).toEqual({ 'native-scheduled': 'failed', profile: 'failed', pin: 'failed' });
  });
});
