// Mastodon counts every URL as a fixed number of characters and a remote mention by its local part.
const URL_RE = /https?:\/\/[^\s<>"']+/giu;
const MENTION_RE = /(^|[^\p{L}\p{N}_/])@([\p{L}\p{N}_]+(?:[.-]+[\p{L}\p{N}_]+)*)@[\p{L}\p{N}.-]+\p{L}/gu;

export function mastodonTextLength(text: string, charactersPerUrl: number): number {
  const counted = text.replace(URL_RE, 'x'.repeat(charactersPerUrl)).replace(MENTION_RE, '$1@$2');
  return [...counted].length;
}

/** Mastodon counts the content warning against the same limit as the text. */
export function mastodonPostLength(text: string, contentWarning: string | null | undefined, charactersPerUrl: number): number {
  return mastodonTextLength(text, charactersPerUrl) + [...(contentWarning ?? '')].length;
}
