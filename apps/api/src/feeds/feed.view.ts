import type { FeedItemRow, FeedRow } from './feeds.repository.js';

export function feedView(f: FeedRow) {
  return {
    id: f.id,
    url: f.url,
    title: f.title,
    template: f.template,
    accounts: f.accounts.map((a) => ({ accountId: a.accountId, template: a.template, lastScheduledAt: a.lastScheduledAt })),
    strikePolicy: f.strikePolicy,
    delaySeconds: f.delaySeconds,
    spacingSeconds: f.spacingSeconds,
    backCatalogue: f.backCatalogue,
    paused: f.paused,
    status: f.paused ? 'paused' : f.consecutiveFailures > 0 ? 'failing' : f.lastSuccessAt ? 'ok' : 'pending',
    lastPolledAt: f.lastPolledAt,
    lastSuccessAt: f.lastSuccessAt,
    lastStatus: f.lastStatus,
    lastError: f.lastError,
    lastErrorAt: f.lastErrorAt,
    consecutiveFailures: f.consecutiveFailures,
    nextPollAt: f.nextPollAt,
    itemCount: f._count.items,
    createdById: f.createdById,
    createdAt: f.createdAt,
  };
}

export function feedItemView(i: FeedItemRow) {
  return { id: i.id, title: i.title, url: i.url, publishedAt: i.publishedAt, seenAt: i.seenAt, outcome: i.outcome, postIds: i.postIds };
}
