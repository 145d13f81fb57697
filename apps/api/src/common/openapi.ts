/**
 * Response schemas for the OpenAPI document: what each operation answers, written once here so the
 * controllers only name them (`@ApiOkResponse({ schema: S.post })`). Dates are ISO 8601 strings.
 */
import type { SchemaObject } from '@nestjs/swagger';

const str: SchemaObject = { type: 'string' };
const uuid: SchemaObject = { type: 'string', format: 'uuid' };
const date: SchemaObject = { type: 'string', format: 'date-time' };
const int: SchemaObject = { type: 'integer' };
const num: SchemaObject = { type: 'number' };
const bool: SchemaObject = { type: 'boolean' };
const anyObject: SchemaObject = { type: 'object', additionalProperties: true };
const nullable = (s: SchemaObject): SchemaObject => ({ ...s, nullable: true });
const arrayOf = (items: SchemaObject): SchemaObject => ({ type: 'array', items });
// Every property listed is always present in the answer (null where the schema says nullable).
const obj = (properties: Record<string, SchemaObject>, description?: string): SchemaObject => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  ...(description ? { description } : {}),
});
const counted: SchemaObject = { type: 'object', additionalProperties: int };
/** A page of items and the cursor of the next page (null on the last one). */
const page = (item: SchemaObject): SchemaObject => obj({ items: arrayOf(item), nextCursor: nullable(str) });
const enumOf = (values: readonly string[]): SchemaObject => ({ type: 'string', enum: [...values] });
const accountRef = obj({ id: uuid, handle: str, network: enumOf(['mastodon', 'x', 'bluesky']) });
const maybeCount = nullable({ ...int, description: 'null: not measured yet (never 0 for "unknown")' });

const account = obj({
  id: uuid, network: enumOf(['mastodon', 'x', 'bluesky']), instanceUrl: str, remoteId: str, handle: str, displayName: str, profileUrl: nullable(str),
  limits: obj({ maxCharacters: int, maxMedia: int, charactersPerUrl: int }), status: enumOf(['active', 'needs_reconnection', 'disconnected']),
  statusReason: nullable(str), rateLimitedUntil: nullable(date), createdAt: date,
  capabilities: {
    type: 'object',
    description: "What this account's server offers, per feature, as last checked (empty until checked)",
    additionalProperties: obj({ support: enumOf(['yes', 'no', 'unknown']), detail: str, source: str, checkedAt: date }),
  },
});
const delivery = obj({
  id: uuid, accountId: uuid, state: enumOf(['scheduled', 'publishing', 'published', 'failed', 'cancelled', 'held']), scheduledAt: date, attempts: int,
  remoteId: nullable(str), url: nullable(str), publishedAt: nullable(date), lastError: nullable(str), failureReason: nullable(str), cancelReason: nullable(str),
  updatedAt: date,
});
const post = obj({
  id: uuid, text: str, contentWarning: nullable(str), visibility: enumOf(['public', 'unlisted', 'private', 'direct']), language: nullable(str),
  scheduledAt: date, media: arrayOf(obj({ mediaId: uuid, altText: str, mimeType: str })), deliveries: arrayOf(delivery), createdById: nullable(uuid),
  strikeId: nullable(uuid), strikeRole: nullable(str), createdAt: date, updatedAt: date,
});
const member = obj({ id: uuid, organisationId: uuid, name: str, role: enumOf(['admin', 'community_manager', 'member', 'viewer']), createdAt: date, removedAt: nullable(date) });
const token = obj({ id: uuid, memberId: uuid, name: str, prefix: str, createdAt: date, lastUsedAt: nullable(date), revokedAt: nullable(date) });
const rule = obj({ kind: enumOf(['votes', 'assembly']), quorumCount: int, quorumPercent: int, ballot: enumOf(['named', 'secret']) });
const message = obj({ text: str, contentWarning: nullable(str), media: arrayOf(obj({ mediaId: uuid, altText: str })), perNetwork: { type: 'object', additionalProperties: str } });
const strike = obj({
  id: uuid, title: str, reason: str, startsAt: date, endsAt: date, allAccounts: bool, accountIds: arrayOf(uuid), mode: enumOf(['silence', 'occupation']),
  heldPolicy: enumOf(['resume', 'shift', 'drop', 'review']), resumeSpacingSeconds: int, occupationSpacingSeconds: int,
  messages: obj({ opening: nullable(message), rotation: arrayOf(message), closing: nullable(message) }), profile: nullable(anyObject),
  state: enumOf(['proposed', 'approved', 'rejected', 'running', 'ended', 'cancelled']), effectiveFrom: nullable(date), approvedAt: nullable(date),
  startedAt: nullable(date), endedAt: nullable(date), createdById: uuid, createdAt: date, updatedAt: date,
});
const motion = obj(
  {
    id: uuid, strikeId: uuid, kind: enumOf(['approve', 'amend', 'stop', 'extend']), status: enumOf(['open', 'approved', 'rejected', 'withdrawn']), rule,
    proposal: nullable(anyObject), createdBy: obj({ id: uuid, name: nullable(str) }), createdAt: date, decidedAt: nullable(date),
    votes: arrayOf(obj({ memberId: uuid, name: nullable(str), choice: enumOf(['approve', 'reject']), votedAt: date, counts: bool })),
    tally: obj({ eligible: int, needed: int, cast: int, approvals: int, rejections: int }),
    assembly: nullable(obj({ heldAt: date, votesFor: int, votesAgainst: int, votesAbstain: int, minutes: str, recordedBy: nullable(obj({ id: uuid, name: nullable(str) })) })),
  },
  'votes and tally for votes in Piquet (a secret ballot shows no choice, and no totals while open); assembly for an assembly vote',
);
const hold = obj({
  id: uuid, deliveryId: uuid, postId: uuid, accountId: uuid, originalScheduledAt: date, heldAt: date, fate: enumOf(['pending', 'resumed', 'shifted', 'dropped', 'review']),
  fateAt: nullable(date), newScheduledAt: nullable(date), deliveryState: str, text: str,
});
const comment = obj({
  id: uuid, deliveryId: uuid, remoteId: str, inReplyToRemoteId: nullable(str), authorHandle: str, authorName: str, authorUrl: nullable(str), text: str,
  language: nullable(str), url: nullable(str), postedAt: date, editedAt: nullable(date), deletedAt: nullable(date),
});
const stats = obj({ n: int, median: nullable(num), mean: nullable(num) });
const counts = obj({ favourites: maybeCount, boosts: maybeCount, replies: maybeCount, quotes: maybeCount, impressions: maybeCount });
const totals = obj({ posts: int, measured: int, favourites: maybeCount, boosts: maybeCount, replies: maybeCount, quotes: maybeCount, impressions: maybeCount, comments: maybeCount });

/** A report link as listed (never its URL: it carries the signature) or as made (with it, this once). */
const reportLinkView = (withUrl: boolean): SchemaObject =>
  obj({
    id: uuid,
    strikeId: uuid,
    createdBy: obj({ id: uuid, name: { type: 'string', nullable: true } }),
    createdAt: date,
    expiresAt: date,
    revokedAt: { ...date, nullable: true },
    revokedBy: { ...uuid, nullable: true },
    state: { type: 'string', enum: ['active', 'revoked', 'expired'] },
    ...(withUrl ? { url: str } : {}),
  });

export const S = {
  health: obj({ status: enumOf(['ok', 'error']), postgres: str, redis: str }),
  account,
  accounts: arrayOf(account),
  authorizeUrl: obj({ authorizationUrl: str, state: str, expiresAt: date }, 'Where to send the person who signs in on the network'),
  disconnected: obj({ cancelledDeliveries: int }),
  media: obj({ id: uuid, mimeType: str, byteSize: int, createdAt: date }),
  post,
  posts: page(post),
  organisation: obj({ id: uuid, name: str, createdAt: date }),
  member,
  members: arrayOf(member),
  token,
  tokens: arrayOf(token),
  newToken: obj({ ...token.properties, token: { type: 'string', description: 'The secret API token (pqt_…), shown this once' } }),
  rule,
  strike,
  strikes: page(strike),
  strikeDetail: obj({
    ...strike.properties,
    motions: arrayOf(motion),
    sites: arrayOf(obj({ siteId: uuid, name: str, origin: str, form: enumOf(['banner', 'page', 'page-continue', 'closed']) })),
  }),
  motion,
  audit: page(obj({ id: str, at: date, action: str, actor: nullable(obj({ id: uuid, name: nullable(str) })), strikeId: nullable(uuid), motionId: nullable(uuid), detail: anyObject })),
  preview: obj({
    strikeId: uuid, state: str, window: obj({ from: date, until: date }), heldPolicy: str, accounts: arrayOf(accountRef),
    counts: obj({ held: { oneOf: [int, str] }, strikePosts: int }), profiles: arrayOf(anyObject), nativeScheduled: str,
    timeline: arrayOf(obj({ at: date, kind: enumOf(['strike-post', 'hold', 'held-post-returns', 'held-post-dropped', 'held-post-review', 'profile']), accountId: uuid, detail: anyObject })),
  }),
  live: obj({
    strikeId: uuid, title: str, state: str, effectiveFrom: nullable(date), endsAt: date, startedAt: nullable(date), endedAt: nullable(date), heldPolicy: str,
    holds: obj({ counts: counted, total: int, items: arrayOf(hold) }),
    strikePosts: obj({ counts: counted, items: arrayOf(anyObject) }),
    occupations: arrayOf(obj({ accountId: uuid, occupyState: str, restoreState: nullable(str), pinnedRemoteId: nullable(str), report: nullable(anyObject), lastError: nullable(str) })),
    nativeScheduled: arrayOf(anyObject),
  }),
  holds: page(hold),
  holdDecision: obj({ holdId: uuid, deliveryId: uuid, fate: enumOf(['resumed', 'dropped']), scheduledAt: nullable(date) }),
  nativeDecision: obj({ id: uuid, remoteId: str, fate: enumOf(['resumed', 'dropped']), scheduledAt: nullable(date) }),
  report: obj(
    {
      strike: obj({ id: uuid, title: str, state: str, live: bool, window: obj({ from: date, until: date }) }),
      story: obj(
        {
          reason: str, mode: str, heldPolicy: str, window: anyObject, spacing: obj({ resumeSeconds: int, occupationSeconds: int }),
          accounts: arrayOf(obj({
            account: accountRef, status: str,
            occupation: obj({ state: nullable(str), fieldsChanged: arrayOf(str), pinned: bool, lastError: nullable(str) }),
            restoration: obj({ state: nullable(str), restored: arrayOf(str), leftAsEdited: arrayOf(str), unpinned: bool, nativeScheduled: nullable(str), lastError: nullable(str) }),
            featureGaps: nullable({ ...arrayOf(str), description: 'features this server lacks; null when not checked' }),
            steps: nullable(arrayOf(obj({ phase: str, step: str, outcome: str, detail: nullable(str), error: nullable(str) }))),
          })),
          decisions: arrayOf(obj({
            kind: str, status: str, openedAt: date, decidedAt: nullable(date), rule: obj({ kind: str, ballot: str, quorumCount: int, quorumPercent: int }),
            votes: nullable(obj({ eligible: int, needed: int, approvals: int, rejections: int })),
            assembly: nullable(obj({ heldAt: date, votesFor: int, votesAgainst: int, votesAbstain: int })),
          })),
          held: obj({ total: int, byFate: counted, posts: arrayOf(anyObject), more: bool }),
          nativeMoved: obj({ total: int, posts: arrayOf(anyObject), more: bool }),
          failures: arrayOf(obj({ account: nullable(accountRef), step: str, error: str, at: nullable(date) })),
        },
        'What the strike did: the decision, each account (occupied, restored, feature gaps), held posts and their fates, failures',
      ),
      generatedAt: date, lang: enumOf(['en', 'fr']), metrics: arrayOf(str),
      posts: arrayOf(obj({
        rank: int, deliveryId: uuid, postId: uuid, account: accountRef, role: str, text: str, url: nullable(str), publishedAt: date, goneAt: nullable(date),
        counts, snapshotAt: nullable(date), comments: maybeCount, ownReplies: int,
      })),
      totals: obj({ overall: totals, perNetwork: arrayOf(anyObject), perAccount: arrayOf(obj({ ...totals.properties, account: accountRef })) }),
      strikeStats: obj({ posts: int, metrics: { type: 'object', additionalProperties: stats } }),
      baseline: obj({ days: int, from: date, until: date, accountIds: arrayOf(uuid), posts: int, unmeasured: int, metrics: { type: 'object', additionalProperties: stats } }),
      ratios: { type: 'object', additionalProperties: obj({ median: nullable(num), mean: nullable(num), sentence: str }) },
      series: obj({ total: arrayOf(anyObject), perPost: arrayOf(obj({ deliveryId: uuid, points: arrayOf(anyObject) })) }),
      comments: obj(
        { count: maybeCount, uniqueAuthors: maybeCount, perPost: arrayOf(obj({ deliveryId: uuid, count: maybeCount })), perHour: arrayOf(obj({ hour: date, count: int })), first: arrayOf(comment), more: bool },
        "Public comments: replies by people outside the organisation. A server's reply count (the replies metric) also counts private replies and the organisation's own.",
      ),
      ownReplies: obj({ count: int, first: arrayOf(comment), more: bool }, "Replies by the organisation's own accounts, never counted among people commenting"),
    },
    'A strike report; counts that were never measured are null',
  ),
  comments: page(obj({ ...comment.properties, fromOrganisation: { type: 'boolean', description: "a reply by one of the organisation's own accounts" } })),
  csv: { type: 'string', description: 'CSV (RFC 4180, UTF-8 with a byte order mark; cells beginning = + - @ neutralised)' } as SchemaObject,
  html: { type: 'string', description: 'An HTML page' } as SchemaObject,
  reportLink: reportLinkView(true),
  reportLinks: arrayOf(reportLinkView(false)),

};
