import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { crc32, deflateSync } from 'node:zlib';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import type { AppConfig } from '#config/config.js';
import { NetworkAuthError, NetworkPermanentError, NetworkRateLimitedError, NetworkTransientError } from '#networks/errors.js';
import { MastodonAdapter } from '#networks/mastodon/mastodon.adapter.js';
import type { AccountConnection } from '#networks/network-adapter.js';
import { adapterWith as guarded } from './support/adapters.js';

/** A valid 1x1 RGB PNG of the given colour, so each test image has its own bytes. */
function pngPixel(r: number, g: number, b: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, r, g, b]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const RED = pngPixel(255, 0, 0);
const BLUE = pngPixel(0, 0, 255);
const GREEN = pngPixel(0, 255, 0);

function adapterWith(overrides: { allowPrivateInstances?: boolean; mediaMaxBytes?: number } = {}): MastodonAdapter {
  return guarded(MastodonAdapter, {
    networks: { allowPrivateInstances: overrides.allowPrivateInstances ?? true, timeoutMs: 5000 },
    mediaMaxBytes: overrides.mediaMaxBytes ?? 10_000_000,
    http: { publicUrl: 'http://127.0.0.1' },
  } as AppConfig);
}

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);

describe('Mastodon adapter: profile, pins and native scheduled posts against the fake instance', () => {
  const mastodon = new FakeMastodon();
  const adapter = adapterWith();

  beforeAll(async () => {
    await mastodon.start();
  });

  afterAll(async () => {
    await mastodon.stop();
  });

  function connect(username: string): { id: string; conn: AccountConnection } {
    const remote = mastodon.addAccount(username);
    return { id: remote.id, conn: { instanceUrl: mastodon.url, accessToken: remote.token } };
  }

  const requestsTo = (accountId: string, method: string, path: RegExp) =>
    mastodon.requests.filter((r) => r.accountId === accountId && r.method === method && path.test(r.path));

  it('reads the profile with the bio as typed and no URL for Mastodon placeholder images', async () => {
    const { id, conn } = connect('lecture');
    mastodon.editProfileByHand(id, { displayName: 'La Rédaction', note: 'Journal <libre> & indépendant\n\nDepuis 1999' });

    const profile = await adapter.readProfile(conn);

    expect(profile).toEqual({ displayName: 'La Rédaction', bio: 'Journal <libre> & indépendant\n\nDepuis 1999', avatarUrl: null, headerUrl: null });
    expect(requestsTo(id, 'GET', /verify_credentials$/)).toHaveLength(1);
  });

  it('updates display name, bio, avatar and header in one request, and downloads the images back byte for byte', async () => {
    const { id, conn } = connect('maj');

    const updated = await adapter.updateProfile(conn, {
      displayName: 'En grève',
      bio: 'La rédaction est en grève.\nRetour bientôt.',
      avatar: { data: RED, mimeType: 'image/png' },
      header: { data: BLUE, mimeType: 'image/png' },
    });

    const stored = mastodon.profileOf(id);
    // Multipart sends line breaks as CRLF and Mastodon stores them so; the adapter reads back \n.
    expect(stored).toMatchObject({ displayName: 'En grève', note: 'La rédaction est en grève.\r\nRetour bientôt.' });
    expect(stored.avatar).toEqual({ bytes: RED, mime: 'image/png' });
    expect(stored.header).toEqual({ bytes: BLUE, mime: 'image/png' });
    expect(updated).toMatchObject({ displayName: 'En grève', bio: 'La rédaction est en grève.\nRetour bientôt.' });
    expect(updated.avatarUrl).toMatch(new RegExp(`^${mastodon.url}/`));
    expect(requestsTo(id, 'PATCH', /update_credentials$/)).toHaveLength(1);
    expect(await adapter.readProfile(conn)).toEqual(updated);

    const avatar = await adapter.fetchImage(conn, updated.avatarUrl!);
    const header = await adapter.fetchImage(conn, updated.headerUrl!);
    expect(Buffer.from(avatar.data)).toEqual(RED);
    expect(avatar.mimeType).toBe('image/png');
    expect(Buffer.from(header.data)).toEqual(BLUE);
  });

  it('touches only the fields given', async () => {
    const { id, conn } = connect('partiel');
    mastodon.editProfileByHand(id, { displayName: 'Avant', note: 'Bio avant', avatar: { bytes: RED, mime: 'image/png' } });

    const updated = await adapter.updateProfile(conn, { displayName: 'Après' });

    expect(mastodon.profileOf(id)).toMatchObject({ displayName: 'Après', note: 'Bio avant', avatar: { bytes: RED, mime: 'image/png' }, header: null });
    expect(updated).toMatchObject({ displayName: 'Après', bio: 'Bio avant', headerUrl: null });
    expect(updated.avatarUrl).not.toBeNull();
  });

  it('removes an image with the profile endpoint: back to the placeholder, and the old file is gone', async () => {
    const { id, conn } = connect('retrait');
    mastodon.editProfileByHand(id, { avatar: { bytes: RED, mime: 'image/png' }, header: { bytes: BLUE, mime: 'image/png' } });
    const before = await adapter.readProfile(conn);

    const after = await adapter.updateProfile(conn, { avatar: null });

    expect(mastodon.profileOf(id)).toMatchObject({ avatar: null, header: { bytes: BLUE, mime: 'image/png' } });
    expect(after.avatarUrl).toBeNull();
    expect(after.headerUrl).toBe(before.headerUrl);
    expect((await adapter.readProfile(conn)).avatarUrl).toBeNull();
    expect(requestsTo(id, 'DELETE', /^\/api\/v1\/profile\/avatar$/)).toHaveLength(1);
    // Nothing else to change, so no update_credentials call.
    expect(requestsTo(id, 'PATCH', /update_credentials$/)).toHaveLength(0);
    const gone = await adapter.fetchImage(conn, before.avatarUrl!).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(NetworkPermanentError);
    expect((gone as NetworkPermanentError).status).toBe(404);
  });

  it('replaces one image and removes the other in the same update', async () => {
    const { id, conn } = connect('echange');
    mastodon.editProfileByHand(id, { avatar: { bytes: RED, mime: 'image/png' }, header: { bytes: BLUE, mime: 'image/png' } });

    const after = await adapter.updateProfile(conn, { avatar: { data: GREEN, mimeType: 'image/png' }, header: null });

    expect(mastodon.profileOf(id)).toMatchObject({ avatar: { bytes: GREEN, mime: 'image/png' }, header: null });
    expect(after.headerUrl).toBeNull();
    expect(Buffer.from((await adapter.fetchImage(conn, after.avatarUrl!)).data)).toEqual(GREEN);
  });

  it('refuses a display name longer than Mastodon allows, changing nothing', async () => {
    const { id, conn } = connect('troplong');

    const err = await adapter.updateProfile(conn, { displayName: 'x'.repeat(31), bio: 'changée' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(NetworkPermanentError);
    expect((err as NetworkPermanentError).status).toBe(422);
    expect(mastodon.profileOf(id)).toMatchObject({ displayName: 'troplong', note: '' });
  });

  it('pins and unpins; pinning twice, unpinning twice or a deleted post do not throw', async () => {
    const { id, conn } = connect('epingle');
    const post = { contentWarning: null, visibility: 'public' as const, language: 'fr', remoteMediaIds: [] };
    const strike = await adapter.publish(conn, { ...post, text: 'En grève' }, 'pin-1');

    await adapter.pin(conn, strike.remoteId);
    expect(mastodon.profileOf(id).pinnedIds).toEqual([strike.remoteId]);
    // A retry after a lost answer: Mastodon says "Duplicate record", the post is pinned all the same.
    await adapter.pin(conn, strike.remoteId);
    expect(mastodon.profileOf(id).pinnedIds).toEqual([strike.remoteId]);

    await adapter.unpin(conn, strike.remoteId);
    expect(mastodon.profileOf(id).pinnedIds).toEqual([]);
    await adapter.unpin(conn, strike.remoteId);
    await adapter.unpin(conn, '999999999');
    expect(requestsTo(id, 'POST', /\/unpin$/).map((r) => r.status)).toEqual([200, 200, 404]);
  });

  it("refuses to pin someone else's post or a sixth one", async () => {
    const { id, conn } = connect('limite');
    const other = connect('autre');
    const post = { contentWarning: null, visibility: 'public' as const, language: null, remoteMediaIds: [] };
    const foreign = await adapter.publish(other.conn, { ...post, text: 'pas à moi' }, 'foreign');
    await expect(adapter.pin(conn, foreign.remoteId)).rejects.toBeInstanceOf(NetworkPermanentError);

    const own = [];
    for (let i = 0; i < 6; i++) own.push(await adapter.publish(conn, { ...post, text: `post ${i}` }, `own-${i}`));
    for (const p of own.slice(0, 5)) await adapter.pin(conn, p.remoteId);
    const err = await adapter.pin(conn, own[5]!.remoteId).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(NetworkPermanentError);
    expect((err as NetworkPermanentError).status).toBe(422);
    expect(mastodon.profileOf(id).pinnedIds).toEqual(own.slice(0, 5).map((p) => p.remoteId));
    expect(mastodon.profileOf(other.id).pinnedIds).toEqual([]);
  });

  it('lists every natively scheduled post across pages', async () => {
    const { id, conn } = connect('programme');
    for (let i = 0; i < 45; i++) mastodon.addScheduled(id, `prévu ${i}`, inMinutes(60 + i * 90));

    const listed = await adapter.listNativeScheduled(conn);

    const expected = mastodon.scheduledOf(id).map((s) => ({ remoteId: s.id, scheduledAt: s.scheduledAt, text: s.text }));
    expect(listed).toHaveLength(45);
    expect([...listed].sort((a, b) => a.remoteId.localeCompare(b.remoteId))).toEqual(expected.sort((a, b) => a.remoteId.localeCompare(b.remoteId)));
    // 40 on the first page, 5 on the second, which has no next link.
    expect(requestsTo(id, 'GET', /^\/api\/v1\/scheduled_statuses$/)).toHaveLength(2);
  });

  it('stops after an empty last page when the posts exactly fill the pages', async () => {
    const { id, conn } = connect('pile');
    for (let i = 0; i < 40; i++) mastodon.addScheduled(id, `prévu ${i}`, inMinutes(60 + i));

    expect(await adapter.listNativeScheduled(conn)).toHaveLength(40);
    expect(requestsTo(id, 'GET', /^\/api\/v1\/scheduled_statuses$/)).toHaveLength(2);
  });

  it('reschedules and cancels native posts; cancelling one already gone does not throw', async () => {
    const { id, conn } = connect('report');
    const [first, second] = [mastodon.addScheduled(id, 'un', inMinutes(30)), mastodon.addScheduled(id, 'deux', inMinutes(45))];
    const later = new Date(Math.floor(inMinutes(48 * 60).getTime() / 1000) * 1000);

    await adapter.rescheduleNative(conn, first.id, later);
    expect(mastodon.scheduledOf(id).find((s) => s.id === first.id)?.scheduledAt).toEqual(later);

    // Mastodon wants at least five minutes ahead.
    await expect(adapter.rescheduleNative(conn, second.id, inMinutes(2))).rejects.toBeInstanceOf(NetworkPermanentError);
    expect(mastodon.scheduledOf(id).find((s) => s.id === second.id)?.text).toBe('deux');
    expect(mastodon.scheduledOf(id).find((s) => s.id === second.id)?.scheduledAt.getTime()).toBeGreaterThan(inMinutes(40).getTime());

    await adapter.deleteNative(conn, second.id);
    expect(mastodon.scheduledOf(id).map((s) => s.id)).toEqual([first.id]);
    await adapter.deleteNative(conn, second.id);
    await adapter.deleteNative(conn, '999999999');
    expect(requestsTo(id, 'DELETE', /^\/api\/v1\/scheduled_statuses\//).map((r) => r.status)).toEqual([200, 404, 404]);
  });

  it('schedules a post natively like Mastodon: at least five minutes ahead, never twice for one key', async () => {
    const { id, conn } = connect('natif');
    const statuses = adapter.client(conn).v1.statuses;
    const at = inMinutes(120).toISOString();
    const meta = { requestInit: { headers: { 'Idempotency-Key': 'natif-1' } } };

    const created = await statuses.create({ status: 'programmé ailleurs', scheduledAt: at }, meta);
    const again = await statuses.create({ status: 'programmé ailleurs', scheduledAt: at }, meta);
    await expect(statuses.create({ status: 'trop tôt', scheduledAt: inMinutes(1).toISOString() })).rejects.toMatchObject({ statusCode: 422 });

    expect(again.id).toBe(created.id);
    expect(mastodon.scheduledOf(id)).toMatchObject([{ id: created.id, text: 'programmé ailleurs', scheduledAt: new Date(at) }]);
    expect(mastodon.statusesOf(id)).toEqual([]);
  });

  it('turns a 429 on update_credentials into NetworkRateLimitedError with the reset time, changing nothing', async () => {
    const { id, conn } = connect('limite429');
    mastodon.fail(1, 429, { path: /update_credentials$/, accountId: id, retryAfterS: 30 });

    const err = await adapter.updateProfile(conn, { displayName: 'En grève' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(NetworkRateLimitedError);
    const wait = (err as NetworkRateLimitedError).resetAt.getTime() - Date.now();
    expect(wait).toBeGreaterThan(20_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    expect(mastodon.profileOf(id).displayName).toBe('limite429');
    expect(requestsTo(id, 'PATCH', /update_credentials$/).map((r) => r.status)).toEqual([429]);
  });

  it('turns a 401 into NetworkAuthError, on update_credentials and for a revoked token', async () => {
    const { id, conn } = connect('revoque');
    mastodon.fail(1, 401, { path: /update_credentials$/, accountId: id });
    await expect(adapter.updateProfile(conn, { bio: 'grève' })).rejects.toBeInstanceOf(NetworkAuthError);
    expect(mastodon.profileOf(id).note).toBe('');

    mastodon.revoke(conn.accessToken);
    await expect(adapter.readProfile(conn)).rejects.toBeInstanceOf(NetworkAuthError);
    await expect(adapter.listNativeScheduled(conn)).rejects.toBeInstanceOf(NetworkAuthError);
    expect(mastodon.requests.filter((r) => r.path === '/api/v1/accounts/verify_credentials' && r.status === 401)).not.toHaveLength(0);
  });

  it('treats a 5xx on an image as transient, and an image over the size limit as permanent', async () => {
    const { id, conn } = connect('images');
    mastodon.editProfileByHand(id, { avatar: { bytes: RED, mime: 'image/png' } });
    const { avatarUrl } = await adapter.readProfile(conn);
    const path = new URL(avatarUrl!).pathname;

    mastodon.fail(1, 503, { path: new RegExp(`^${path}$`) });
    await expect(adapter.fetchImage(conn, avatarUrl!)).rejects.toBeInstanceOf(NetworkTransientError);
    await expect(adapterWith({ mediaMaxBytes: RED.length - 1 }).fetchImage(conn, avatarUrl!)).rejects.toBeInstanceOf(NetworkPermanentError);
    expect(mastodon.requests.filter((r) => r.path === path).map((r) => r.status)).toEqual([503, 200]);
  });

  it('refuses image URLs to plain http or private addresses unless private instances are allowed', async () => {
    const { id, conn } = connect('garde');
    mastodon.editProfileByHand(id, { avatar: { bytes: RED, mime: 'image/png' } });
    const { avatarUrl } = await adapter.readProfile(conn);
    const path = new URL(avatarUrl!).pathname;
    const guarded = adapterWith({ allowPrivateInstances: false });

    await expect(guarded.fetchImage(conn, avatarUrl!)).rejects.toBeInstanceOf(NetworkPermanentError);
    await expect(guarded.fetchImage(conn, `https://127.0.0.1:1${path}`)).rejects.toBeInstanceOf(NetworkPermanentError);
    await expect(guarded.fetchImage(conn, `https://[::1]:1${path}`)).rejects.toBeInstanceOf(NetworkPermanentError);
    expect(mastodon.requests.filter((r) => r.path === path)).toHaveLength(0);
  });
});
