import type { KeptReply } from '#database/engagement.repository.js';
import { replyText } from '#engagement/reply-text.js';
import type { RemoteReply } from '#networks/network-adapter.js';

export const OUT_OF_BUDGET = Symbol('out of budget');

/** One network request, taken from the account's rate budget first; OUT_OF_BUDGET when none is left. */
export type BudgetedCall = <T>(fn: () => Promise<T>) => Promise<T | typeof OUT_OF_BUDGET>;

// Replies the collective may read: public ones. Direct and followers-only replies are never kept.
const KEPT_VISIBILITIES = new Set(['public', 'unlisted']);

export const kept = (r: RemoteReply): boolean => KEPT_VISIBILITIES.has(r.visibility);

export function keep(r: RemoteReply): KeptReply {
  return {
    remoteId: r.remoteId,
    inReplyToRemoteId: r.inReplyToRemoteId,
    authorHandle: r.authorHandle,
    authorName: r.authorName,
    authorUrl: r.authorUrl,
    text: replyText(r.html),
    language: r.language,
    url: r.url,
    postedAt: r.postedAt,
    editedAt: r.editedAt,
  };
}
