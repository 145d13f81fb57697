import { blueskyPostLength } from '@libs/networks/bluesky/bluesky-text';
import { mastodonPostLength } from '@libs/networks/mastodon/text-length';
import { xPostLength } from '@libs/networks/x/x-text';
import type { Account } from '../../api/views';

export interface Counter {
  accountId: string;
  handle: string;
  network: Account['network'];
  length: number;
  max: number;
  over: boolean;
}

/** The length the server will check for this account (same code: libs/networks/*), content warning included. */
export function postLength(account: Pick<Account, 'network' | 'limits'>, text: string, contentWarning: string | null): number {
  switch (account.network) {
    case 'mastodon':
      return mastodonPostLength(text, contentWarning, account.limits.charactersPerUrl);
    case 'x':
      return xPostLength(text, contentWarning);
    case 'bluesky':
      return blueskyPostLength(text, contentWarning);
  }
}

export function counters(accounts: Account[], text: string, contentWarning: string | null): Counter[] {
  return accounts.map((a) => {
    const length = postLength(a, text, contentWarning);
    return { accountId: a.id, handle: a.handle, network: a.network, length, max: a.limits.maxCharacters, over: length > a.limits.maxCharacters };
  });
}
