import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AtpAgent, AtUri, RichText, XRPCError } from '@atproto/api';
import { crc32, deflateSync } from 'node:zlib';
import type { AppConfig } from '#config/config.js';
import { BlueskyAdapter, encodeBlueskySecret, richTextHtml, toNetworkError } from '#networks/bluesky/bluesky.adapter.js';
import { NetworkAuthError, NetworkPermanentError, NetworkRateLimitedError, NetworkTransientError } from '#networks/errors.js';
import type { AccountConnection, OutgoingPost } from '#networks/network-adapter.js';
import { startBluesky } from './support/bluesky.js';
import { adapterWith as guarded } from './support/adapters.js';

/** A real PDS and AppView (@atproto/dev-env), in a process of its own: test/support/bluesky.ts. */
/** A valid 1x1 RGB PNG of the given colour. */
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
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, r, g, b]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const post = (text: string, extra: Partial<OutgoingPost> = {}): OutgoingPost => ({
  text,
  contentWarning: null,
  visibility: 'public',
  language: 'en',
  remoteMediaIds: [],
  ...extra,
});

describe('Bluesky adapter against a real PDS and AppView (@atproto/dev-env)', () => {
  let network: Awaited<ReturnType<typeof startBluesky>>;
  let alice: AccountConnection;
  let aliceDid: string;
  let bob: AtpAgent;
  const adapter = guarded(BlueskyAdapter, {
    networks: { allowPrivateInstances: true, timeoutMs: 10_000 },
    mediaMaxBytes: 10_000_000,
    http: { publicUrl: 'http://127.0.0.1' },
  } as AppConfig);

  async function createAccount(name: string): Promise<AtpAgent> {
    const agent = new AtpAgent({ service: network.pdsUrl });
    await agent.createAccount({ handle: `${name}.test`, email: `${name}@example.test`, password: `${name}-password` });
    return agent;
  }

  beforeAll(async () => {
    network = await startBluesky();
    const aliceAgent = await createAccount('alice');
    aliceDid = aliceAgent.assertDid;
    // Piquet connects with an app password, as people are told to.
    const appPassword = await aliceAgent.com.atproto.server.createAppPassword({ name: 'piquet' });
    alice = { instanceUrl: network.pdsUrl, accessToken: encodeBlueskySecret({ identifier: 'alice.test', appPassword: appPassword.data.password }) };
    bob = await createAccount('bob');
    await network.processAll();
  });

  afterAll(async () => {
    await network?.close();
  });

  it('verifies the account', async () => {
    const me = await adapter.verify(alice);
    expect(me).toEqual({
      remoteId: aliceDid,
      handle: '@alice.test',
      displayName: 'alice.test',
      profileUrl: 'https://bsky.app/profile/alice.test',
      limits: { maxCharacters: 300, maxMedia: 4, charactersPerUrl: 0 },
    });
  });

  it('refuses wrong credentials as an auth error', async () => {
    const wrong = { ...alice, accessToken: encodeBlueskySecret({ identifier: 'alice.test', appPassword: 'aaaa-bbbb-cccc-dddd' }) };
    await expect(adapter.verify(wrong)).rejects.toBeInstanceOf(NetworkAuthError);
    await expect(adapter.verify({ ...alice, accessToken: 'not json' })).rejects.toBeInstanceOf(NetworkAuthError);
  });

  it('counts graphemes, the content warning included', () => {
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}';
    expect(family.length).toBe(11);
    expect(adapter.postLength(family, null, { maxCharacters: 300, maxMedia: 4, charactersPerUrl: 0 })).toBe(1);
    expect(adapter.postLength('é', null, { maxCharacters: 300, maxMedia: 4, charactersPerUrl: 0 })).toBe(1);
    // "CW: " + warning + two line breaks + text
    expect(adapter.postLength('abc', 'cw', { maxCharacters: 300, maxMedia: 4, charactersPerUrl: 0 })).toBe(4 + 2 + 2 + 3);
  });

  it('publishes with facets for a link, a mention and a hashtag, and an image with alt text', async () => {
    const mediaId = await adapter.uploadMedia(alice, { data: pngPixel(255, 0, 0), mimeType: 'image/png', altText: 'A red square' });
    const text = 'On strike today, see https://example.com/strike with @bob.test #PicketLine';
    const published = await adapter.publish(alice, post(text, { remoteMediaIds: [mediaId] }), 'strike-1-alice');
    const uri = new AtUri(published.remoteId);
    expect(uri.host).toBe(aliceDid);
    expect(uri.collection).toBe('app.bsky.feed.post');
    expect(published.url).toBe(`https://bsky.app/profile/${aliceDid}/post/${uri.rkey}`);

    const stored = await bob.com.atproto.repo.getRecord({ repo: aliceDid, collection: 'app.bsky.feed.post', rkey: uri.rkey });
    const record = stored.data.value as {
      text: string;
      langs: string[];
      facets: { index: { byteStart: number; byteEnd: number }; features: Record<string, string>[] }[];
      embed: { $type: string; images: { alt: string; image: { mimeType: string } }[] };
    };
    expect(record.text).toBe(text);
    expect(record.langs).toEqual(['en']);
    const features = record.facets.flatMap((f) => f.features);
    expect(features).toEqual(
      expect.arrayContaining([
        { $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/strike' },
        { $type: 'app.bsky.richtext.facet#mention', did: bob.assertDid },
        { $type: 'app.bsky.richtext.facet#tag', tag: 'PicketLine' },
      ]),
    );
    const bytes = Buffer.from(text, 'utf8');
    const linkFacet = record.facets.find((f) => f.features[0]?.$type === 'app.bsky.richtext.facet#link');
    expect(bytes.subarray(linkFacet!.index.byteStart, linkFacet!.index.byteEnd).toString()).toBe('https://example.com/strike');
    expect(record.embed.$type).toBe('app.bsky.embed.images');
    expect(record.embed.images).toHaveLength(1);
    expect(record.embed.images[0]).toMatchObject({ alt: 'A red square', image: { mimeType: 'image/png' } });
  });

  it('publishes once for one idempotency key, however often it is retried', async () => {
    const first = await adapter.publish(alice, post('Only once'), 'strike-2-alice');
    const again = await adapter.publish(alice, post('Only once'), 'strike-2-alice');
    expect(again.remoteId).toBe(first.remoteId);
    expect(Math.abs(again.publishedAt.getTime() - first.publishedAt.getTime())).toBeLessThan(1000);
    const other = await adapter.publish(alice, post('Only once'), 'strike-3-alice');
    expect(other.remoteId).not.toBe(first.remoteId);

    const records = await bob.com.atproto.repo.listRecords({ repo: aliceDid, collection: 'app.bsky.feed.post', limit: 100 });
    expect(records.data.records.filter((r) => (r.value as { text: string }).text === 'Only once')).toHaveLength(2);
  });

  it('refuses a non-public post (every Bluesky post is public)', async () => {
    await expect(adapter.publish(alice, post('secret', { visibility: 'private' }), 'strike-4-alice')).rejects.toBeInstanceOf(NetworkPermanentError);
  });

  it('sees likes and replies through counts and the reply tree', async () => {
    const published = await adapter.publish(alice, post('Counted post'), 'strike-5-alice');
    const uri = published.remoteId;
    await network.processAll();
    const target = await bob.getPosts({ uris: [uri] });
    const cid = target.data.posts[0]!.cid;
    await bob.like(uri, cid);
    const replyText = new RichText({ text: 'Solidarity! https://example.org/union #strike' });
    await replyText.detectFacets(bob);
    const reply = await bob.post({
      text: replyText.text,
      facets: replyText.facets,
      reply: { root: { uri, cid }, parent: { uri, cid } },
      createdAt: new Date().toISOString(),
    });
    await network.processAll();

    const [counts] = await adapter.fetchCountsBatch(alice, [uri]);
    expect(counts).toEqual({ remoteId: uri, favourites: 1, boosts: 0, replies: 1, quotes: 0, impressions: null });
    expect(await adapter.fetchCounts(alice, uri)).toEqual(counts);

    const replies = await adapter.fetchReplies(alice, uri);
    expect(replies).toHaveLength(1);
    expect(replies![0]).toMatchObject({
      remoteId: reply.uri,
      inReplyToRemoteId: uri,
      visibility: 'public',
      authorHandle: '@bob.test',
      authorName: 'bob.test',
      authorUrl: 'https://bsky.app/profile/bob.test',
      url: `https://bsky.app/profile/bob.test/post/${new AtUri(reply.uri).rkey}`,
    });
    expect(replies![0]!.html).toBe(
      '<p>Solidarity! <a href="https://example.org/union">https://example.org/union</a> <a href="https://bsky.app/hashtag/strike">#strike</a></p>',
    );

    // A deleted post is absent from a batch, null alone.
    const gone = await adapter.publish(alice, post('Soon gone'), 'strike-6-alice');
    await network.processAll();
    await bob.com.atproto.repo.getRecord({ repo: aliceDid, collection: 'app.bsky.feed.post', rkey: new AtUri(gone.remoteId).rkey });
    const aliceAgent = new AtpAgent({ service: network.pdsUrl });
    await aliceAgent.login({ identifier: 'alice.test', password: 'alice-password' });
    await aliceAgent.deletePost(gone.remoteId);
    await network.processAll();
    expect(await adapter.fetchCountsBatch(alice, [gone.remoteId, uri])).toHaveLength(1);
    expect(await adapter.fetchCounts(alice, gone.remoteId)).toBeNull();
    expect(await adapter.fetchReplies(alice, gone.remoteId)).toBeNull();
  });

  it('escapes reply text and keeps only http(s) links', () => {
    expect(richTextHtml('<b>hi</b> & "you"\nok', undefined)).toBe('<p>&lt;b&gt;hi&lt;/b&gt; &amp; &quot;you&quot;<br>ok</p>');
  });

  it('occupies the profile and restores it, images included', async () => {
    const RED = pngPixel(255, 0, 0);
    await adapter.updateProfile(alice, { displayName: 'Alice', bio: 'Organiser', avatar: { data: RED, mimeType: 'image/png' } });
    await network.processAll();
    const before = await adapter.readProfile(alice);
    expect(before).toMatchObject({ displayName: 'Alice', bio: 'Organiser', headerUrl: null });
    expect(before.avatarUrl).toContain('/xrpc/com.atproto.sync.getBlob');
    const savedAvatar = await adapter.fetchImage(alice, before.avatarUrl!);
    expect(Buffer.from(savedAvatar.data).equals(RED)).toBe(true);
    expect(savedAvatar.mimeType).toBe('image/png');

    const occupied = await adapter.updateProfile(alice, {
      displayName: 'ON STRIKE',
      bio: 'This account is on strike.\nSee our site.',
      avatar: { data: pngPixel(0, 0, 255), mimeType: 'image/png' },
      header: { data: pngPixel(0, 255, 0), mimeType: 'image/png' },
    });
    expect(occupied).toMatchObject({ displayName: 'ON STRIKE', bio: 'This account is on strike.\nSee our site.' });
    expect(occupied.avatarUrl).not.toBe(before.avatarUrl);
    expect(occupied.headerUrl).not.toBeNull();
    await network.processAll();
    expect(await adapter.readProfile(alice)).toEqual(occupied);
    const view = await bob.getProfile({ actor: aliceDid });
    expect(view.data.displayName).toBe('ON STRIKE');
    expect(view.data.description).toBe('This account is on strike.\nSee our site.');

    const restored = await adapter.updateProfile(alice, { displayName: before.displayName, bio: before.bio, avatar: savedAvatar, header: null });
    await network.processAll();
    expect(restored).toEqual(before);
    expect(await adapter.readProfile(alice)).toEqual(before);
    const viewAfter = await bob.getProfile({ actor: aliceDid });
    expect(viewAfter.data.displayName).toBe('Alice');
    expect(viewAfter.data.description).toBe('Organiser');
  });

  it('pins and unpins a post through the profile record, keeping the other fields', async () => {
    const published = await adapter.publish(alice, post('Pinned strike notice'), 'strike-7-alice');
    await adapter.pin(alice, published.remoteId);
    await adapter.pin(alice, published.remoteId);
    const record = await bob.com.atproto.repo.getRecord({ repo: aliceDid, collection: 'app.bsky.actor.profile', rkey: 'self' });
    const value = record.data.value as { pinnedPost?: { uri: string }; displayName?: string };
    expect(value.pinnedPost?.uri).toBe(published.remoteId);
    expect(value.displayName).toBe('Alice');
    await network.processAll();
    const view = await bob.getProfile({ actor: aliceDid });
    expect(view.data.pinnedPost?.uri).toBe(published.remoteId);

    await adapter.unpin(alice, published.remoteId);
    await adapter.unpin(alice, published.remoteId);
    const after = await bob.com.atproto.repo.getRecord({ repo: aliceDid, collection: 'app.bsky.actor.profile', rkey: 'self' });
    const afterValue = after.data.value as { pinnedPost?: unknown; displayName?: string };
    expect(afterValue.pinnedPost).toBeUndefined();
    expect(afterValue.displayName).toBe('Alice');
  });

  it('translates XRPC errors into network errors', () => {
    const reset = Math.floor(Date.now() / 1000) + 300;
    const limited = toNetworkError(new XRPCError(429, 'RateLimitExceeded', 'Rate Limit Exceeded', { 'ratelimit-reset': String(reset) }));
    expect(limited).toBeInstanceOf(NetworkRateLimitedError);
    expect((limited as NetworkRateLimitedError).resetAt.getTime()).toBe(reset * 1000);
    expect(toNetworkError(new XRPCError(401, 'AuthenticationRequired', 'Invalid identifier or password'))).toBeInstanceOf(NetworkAuthError);
    expect(toNetworkError(new XRPCError(400, 'ExpiredToken', 'Token has expired'))).toBeInstanceOf(NetworkAuthError);
    expect(toNetworkError(new XRPCError(502, 'UpstreamFailure', 'Upstream Failure'))).toBeInstanceOf(NetworkTransientError);
    expect(toNetworkError(new XRPCError(1, 'Unknown', 'fetch failed'))).toBeInstanceOf(NetworkTransientError);
    expect(toNetworkError(new TypeError('fetch failed'))).toBeInstanceOf(NetworkTransientError);
    const invalid = toNetworkError(new XRPCError(400, 'InvalidRecord', 'Record/text must not be longer than 300 graphemes'));
    expect(invalid).toBeInstanceOf(NetworkPermanentError);
    expect((invalid as NetworkPermanentError).status).toBe(400);
  });

  it('refuses a post over 300 graphemes as a permanent error', async () => {
    await expect(adapter.publish(alice, post('x'.repeat(301)), 'strike-8-alice')).rejects.toBeInstanceOf(NetworkPermanentError);
  });

  it('fails with an auth error once the app password is revoked and the session must be renewed', async () => {
    const owner = new AtpAgent({ service: network.pdsUrl });
    await owner.login({ identifier: 'bob.test', password: 'bob-password' });
    const appPassword = await owner.com.atproto.server.createAppPassword({ name: 'piquet-revoked' });
    const conn = { instanceUrl: network.pdsUrl, accessToken: encodeBlueskySecret({ identifier: 'bob.test', appPassword: appPassword.data.password }) };
    expect((await adapter.verify(conn)).handle).toBe('@bob.test');
    await owner.com.atproto.server.revokeAppPassword({ name: 'piquet-revoked' });
    // The PDS revokes the refresh token; the access token (a JWT) stays valid until it expires, so
    // the cached session keeps working until then. A new login is refused at once.
    adapter.forget(conn);
    await expect(adapter.readProfile(conn)).rejects.toBeInstanceOf(NetworkAuthError);
  });

  it('has no native scheduling', async () => {
    expect(adapter.capabilities.nativeScheduling).toBe(false);
    expect(await adapter.listNativeScheduled()).toEqual([]);
    await expect(adapter.deleteNative()).rejects.toBeInstanceOf(NetworkPermanentError);
  });
});
