/** The one place that names queues, jobs and their payloads. Payloads are ids only. */
export const QueueName = {
  Deliveries: 'deliveries',
  Strikes: 'strikes',
  Engagement: 'engagement',
  Feeds: 'feeds',
  Webhooks: 'webhooks',
} as const;

export const JobName = {
  PublishDelivery: 'publish-delivery',
  StartStrike: 'start-strike',
  EndStrike: 'end-strike',
  OccupyAccount: 'occupy-account',
  RestoreAccount: 'restore-account',
  RescanNative: 'rescan-native',
  PollAccount: 'poll-account',
  FeedsTick: 'feeds-tick',
  PollFeed: 'poll-feed',
  WebhooksTick: 'webhooks-tick',
  DeliverWebhooks: 'deliver-webhooks',
} as const;

export interface PublishDeliveryJob {
  deliveryId: string;
}

export interface StrikeJob {
  strikeId: string;
}

export interface AccountOccupationJob {
  strikeId: string;
  accountId: string;
}

/** Every job of the strikes queue, keyed by its name: the payload each name carries. */
export interface StrikeJobs {
  [JobName.StartStrike]: StrikeJob;
  [JobName.EndStrike]: StrikeJob;
  [JobName.OccupyAccount]: AccountOccupationJob;
  [JobName.RescanNative]: AccountOccupationJob;
  [JobName.RestoreAccount]: AccountOccupationJob;
}
export type StrikeJobName = keyof StrikeJobs;
export type StrikeQueueJob = StrikeJobs[StrikeJobName];

export interface PollAccountJob {
  accountId: string;
}

export interface PollFeedJob {
  feedId: string;
}

/** Sends an endpoint's pending events, oldest first. */
export interface DeliverWebhooksJob {
  endpointId: string;
}

/** The ticks carry nothing: they look in Postgres for what is due. */
export type FeedsQueueJob = PollFeedJob | Record<string, never>;
export type WebhooksQueueJob = DeliverWebhooksJob | Record<string, never>;

/** Fixed ids: adding a job whose id exists is a no-op, so a delivery is never enqueued twice. */
export const deliveryJobId = (deliveryId: string): string => `delivery-${deliveryId}`;
/** One job scheduler per account with posts on a snapshot schedule. */
export const pollSchedulerId = (accountId: string): string => `poll-${accountId}`;
export const startJobId = (strikeId: string): string => `start-${strikeId}`;
export const endJobId = (strikeId: string, endsAt: Date): string => `end-${strikeId}-${endsAt.getTime()}`;
export const occupyJobId = (strikeId: string, accountId: string): string => `occupy-${strikeId}-${accountId}`;
export const rescanJobId = (strikeId: string, accountId: string, round: number): string => `rescan-${strikeId}-${accountId}-${round}`;
export const restoreJobId = (strikeId: string, accountId: string): string => `restore-${strikeId}-${accountId}`;
/** One poll of a feed at a time, one sender per webhook endpoint (events go out in order). */
export const feedJobId = (feedId: string): string => `feed-${feedId}`;
export const webhookJobId = (endpointId: string): string => `webhook-${endpointId}`;
export const FEEDS_TICK_ID = 'feeds-tick';
export const WEBHOOKS_TICK_ID = 'webhooks-tick';
