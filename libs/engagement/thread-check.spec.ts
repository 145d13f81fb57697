import { describe, expect, it } from '@jest/globals';
import { threadCheck, type ThreadState } from './thread-check.js';

const H = 3_600_000;
const published = new Date('2026-12-01T10:00:00Z');
const at = (ms: number) => new Date(published.getTime() + ms);
const post = (over: Partial<ThreadState> = {}): ThreadState => ({ replies: 0, repliesSeen: 0, hasComments: false, threadReadAt: null, publishedAt: published, ...over });

describe('threadCheck', () => {
  it('reads nothing for a post nobody answered, however old', () => {
    expect(threadCheck(post(), at(5 * 60_000), H)).toBeNull();
    expect(threadCheck(post(), at(30 * 24 * H), H)).toBeNull();
  });

  it('reads the thread when the count moved by more than the notifications explained, either way', () => {
    expect(threadCheck(post({ replies: 3, repliesSeen: 2, hasComments: true, threadReadAt: at(0) }), at(60_000), H)).toBe('count');
    expect(threadCheck(post({ replies: 1, repliesSeen: 2, hasComments: true, threadReadAt: at(0) }), at(60_000), H)).toBe('count');
  });

  it('reads a thread that has replies again on the slow schedule, from its last reading or the publication', () => {
    const answered = post({ replies: 2, repliesSeen: 2, hasComments: true });
    expect(threadCheck(answered, at(H - 1), H)).toBeNull();
    expect(threadCheck(answered, at(H), H)).toBe('schedule');
    expect(threadCheck({ ...answered, threadReadAt: at(H) }, at(2 * H - 1), H)).toBeNull();
    expect(threadCheck({ ...answered, threadReadAt: at(H) }, at(2 * H), H)).toBe('schedule');
  });

  it('keeps reading a thread with live comments when the count says none (a server that counts differently)', () => {
    expect(threadCheck(post({ hasComments: true, threadReadAt: at(0) }), at(H), H)).toBe('schedule');
  });
});
