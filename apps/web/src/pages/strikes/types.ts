// What the strike, motion, live, hold and report endpoints answer. The preview is described in the
// OpenAPI document (generated types); the others mirror the server's views, named beside each type.
import type { components } from '../../api/schema';
import type { Network, StrikeState } from '../../api/views';

export type StrikePreview = components['schemas']['StrikePreviewWithSitesView'];
export type PreviewSite = StrikePreview['sites'][number];
export type TimelineEvent = StrikePreview['timeline'][number];
export type StrikeBody = components['schemas']['CreateStrikeDto'];
export type StrikeEditBody = components['schemas']['UpdateStrikeDto'];

export type StrikeMode = 'silence' | 'occupation';
export type HeldPolicy = 'resume' | 'shift' | 'drop' | 'review';
export const HELD_POLICIES: HeldPolicy[] = ['resume', 'shift', 'drop', 'review'];
export const NETWORKS: Network[] = ['mastodon', 'x', 'bluesky'];

/** apps/api/src/strikes/strike.view.ts messageView */
export interface StrikeMessageView {
  text: string;
  contentWarning: string | null;
  media: { mediaId: string; altText: string }[];
  perNetwork: Partial<Record<Network, string>>;
}

export interface ProfileView {
  displayNamePrefix: string | null;
  displayNameSuffix: string | null;
  bio: string | null;
  avatarMediaId: string | null;
  headerMediaId: string | null;
  pinOpening: boolean;
}

/** specView */
export interface StrikeSpecView {
  title: string;
  reason: string;
  startsAt: string;
  endsAt: string;
  allAccounts: boolean;
  accountIds: string[];
  mode: StrikeMode;
  heldPolicy: HeldPolicy;
  resumeSpacingSeconds: number;
  occupationSpacingSeconds: number;
  messages: { opening: StrikeMessageView | null; rotation: StrikeMessageView[]; closing: StrikeMessageView | null };
  profile: ProfileView | null;
}

/** strikeView */
export interface StrikeView extends StrikeSpecView {
  id: string;
  state: StrikeState;
  effectiveFrom: string | null;
  approvedAt: string | null;
  startedAt: string | null;
  endedAt: string | null;
  createdById: string;
  createdAt: string;
  updatedAt: string;
}

export type MotionKind = 'approve' | 'amend' | 'stop' | 'extend';
export type MotionStatus = 'open' | 'approved' | 'rejected' | 'withdrawn';

export interface RuleView {
  kind: 'votes' | 'assembly';
  quorumCount: number;
  quorumPercent: number;
  ballot: 'named' | 'secret';
  secretBallotClosesAfterMinutes?: number | null;
}

/** motionView: `choice` only on named ballots; approvals/rejections on a secret one only once decided. */
export interface MotionView {
  id: string;
  strikeId: string;
  kind: MotionKind;
  status: MotionStatus;
  rule: RuleView;
  proposal: null | { spec: StrikeSpecView; sites?: { siteId: string; form: PreviewSite['form'] }[] | null } | { note: string | null } | { endsAt: string };
  createdBy: { id: string; name: string | null };
  createdAt: string;
  decidedAt: string | null;
  /** Secret ballots with a set close (branch web-backend). */
  closesAt?: string | null;
  votes?: { memberId: string; name: string | null; choice?: 'approve' | 'reject' | null; votedAt: string; counts: boolean }[];
  tally?: { eligible: number; needed: number; cast: number; approvals?: number; rejections?: number };
  assembly?: {
    heldAt: string;
    votesFor: number;
    votesAgainst: number;
    votesAbstain: number;
    minutes: string;
    recordedBy: { id: string; name: string | null } | null;
  } | null;
}

export interface StrikeDetailView extends StrikeView {
  motions: MotionView[];
  /** apps/api/src/sites/site.view.ts strikeSiteView */
  sites: { siteId: string; name: string; origin: string; form: PreviewSite['form'] }[];
}

/** GET /v1/motions?state=open (WEB-CONTRACT.md) */
export interface OpenMotion {
  id: string;
  kind: MotionKind;
  strikeId: string;
  strikeTitle: string;
  openedAt: string;
  closesAt: string | null;
  myVote: 'approve' | 'reject' | null;
  hasVoted: boolean;
  votedCount: number;
  eligibleCount: number;
}

export type HoldFate = 'pending' | 'resumed' | 'shifted' | 'dropped' | 'review';

/** strike-timeline.repository.ts HoldRecord */
export interface HoldView {
  id: string;
  deliveryId: string;
  postId: string;
  accountId: string;
  originalScheduledAt: string;
  heldAt: string;
  fate: HoldFate;
  fateAt: string | null;
  newScheduledAt: string | null;
  deliveryState: string;
  text: string;
}

export interface NativeHoldView {
  id: string;
  accountId: string;
  remoteId: string;
  originalScheduledAt: string;
  fate: HoldFate;
  newScheduledAt: string | null;
  text: string;
}

export interface StrikePostView {
  deliveryId: string;
  postId: string;
  accountId: string;
  role: string;
  scheduledAt: string;
  state: string;
  remoteUrl: string | null;
  publishedAt: string | null;
  failureReason: string | null;
  cancelReason: string | null;
}

export interface OccupationView {
  accountId: string;
  occupyState: string;
  restoreState: string | null;
  pinnedRemoteId: string | null;
  report: unknown;
  lastError: string | null;
}

/** strike-sites.view.ts forLive: a website in scope and whether its form is in force now. */
export interface LiveSite extends PreviewSite {
  windowDecided: boolean;
  inForce: boolean;
}

/** GET /v1/strikes/:id/live and each `live` event of GET /v1/strikes/:id/events */
export interface LiveView {
  sites: LiveSite[];
  strikeId: string;
  title: string;
  state: StrikeState;
  effectiveFrom: string | null;
  endsAt: string;
  startedAt: string | null;
  endedAt: string | null;
  heldPolicy: HeldPolicy;
  holds: { counts: Partial<Record<HoldFate, number>>; total: number; items: HoldView[] };
  strikePosts: { counts: Record<string, number>; items: StrikePostView[] };
  occupations: OccupationView[];
  nativeScheduled: NativeHoldView[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Metric = 'favourites' | 'boosts' | 'replies' | 'quotes' | 'impressions';
interface Stats {
  n: number;
  median: number | null;
  mean: number | null;
}
type Counts = Record<Metric, number | null>;
/** libs/reports/figures.ts Point */
export type Point = Counts & { at: string };

/** apps/api/src/reports/report.types.ts StrikeReport */
export interface ReportView {
  strike: { id: string; title: string; state: string; live: boolean; window: { from: string; until: string } };
  generatedAt: string;
  lang: 'en' | 'fr';
  metrics: Metric[];
  posts: {
    rank: number;
    deliveryId: string;
    postId: string;
    account: { id: string; handle: string; network: string };
    role: string;
    text: string;
    url: string | null;
    publishedAt: string;
    goneAt: string | null;
    counts: Counts;
    snapshotAt: string | null;
    comments: number;
  }[];
  totals: {
    overall: Counts & { posts: number; comments: number };
    perNetwork: { network: string; posts: number; comments: number; metrics: Record<string, number | null> }[];
    perAccount: (Counts & { account: { id: string; handle: string; network: string }; posts: number; comments: number })[];
  };
  strikeStats: { posts: number; metrics: Partial<Record<Metric, Stats>> };
  baseline: { days: number; from: string; until: string; posts: number; unmeasured: number; metrics: Partial<Record<Metric, Stats>> };
  ratios: Partial<Record<Metric, { median: number | null; mean: number | null; sentence: string }>>;
  series: { total: Point[]; perPost: { deliveryId: string; points: Point[] }[] };
  comments: {
    count: number;
    uniqueAuthors: number;
    perPost: { deliveryId: string; count: number }[];
    perHour: { hour: string; count: number }[];
    first: CommentView[];
    more: boolean;
  };
}

/** apps/api/src/reports/reports.repository.ts CommentRow */
export interface CommentView {
  id: string;
  deliveryId: string;
  remoteId: string;
  inReplyToRemoteId: string | null;
  authorHandle: string;
  authorName: string;
  authorUrl: string | null;
  text: string;
  language: string | null;
  url: string | null;
  postedAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

/** Signed report links (branch input-hardening adds the list and the revocation). */
export interface ReportLinkView {
  id?: string;
  url?: string;
  expiresAt: string;
  createdAt?: string;
  revokedAt?: string | null;
  lang?: string | null;
  [k: string]: unknown;
}
