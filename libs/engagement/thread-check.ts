/**
 * Whether a strike post's whole thread must be read this round, when new replies come from the
 * account's notifications. Notifications bring new replies but say nothing of edits and deletions,
 * nor of replies that mention nobody: a reply count that moved by more than the notifications explain
 * sends for the thread at once, and a post that has replies is read whole on a slow schedule anyway.
 */
export interface ThreadState {
  /** The reply count the network reports now. */
  replies: number;
  /** The count the comments already collected account for. */
  repliesSeen: number;
  /** Comments on record that are not deleted. */
  hasComments: boolean;
  threadReadAt: Date | null;
  publishedAt: Date;
}

export type ThreadReason = 'count' | 'schedule';

export function threadCheck(post: ThreadState, now: Date, everyMs: number): ThreadReason | null {
  if (post.replies !== post.repliesSeen) return 'count';
  // A post nobody answered has no thread to change.
  if (post.replies === 0 && !post.hasComments) return null;
  const since = (post.threadReadAt ?? post.publishedAt).getTime();
  return now.getTime() - since >= everyMs ? 'schedule' : null;
}
