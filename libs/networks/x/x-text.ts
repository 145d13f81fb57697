import twitterText from 'twitter-text';

/** X's limit for a post, in weighted characters (accounts without a paid plan). */
export const X_MAX_CHARACTERS = 280;
/** Every URL counts as a t.co link, whatever its length. */
export const X_CHARACTERS_PER_URL = 23;

/**
 * X has no content warnings: a warning goes first, on its own paragraph, and counts with the text.
 * `publish` sends exactly this, so the length checked is the length posted.
 */
export function xPostText(text: string, contentWarning: string | null | undefined): string {
  return contentWarning ? `${contentWarning}\n\n${text}` : text;
}

/**
 * X's weighted length, counted by X's own rules (twitter-text): URLs count 23 whatever their length,
 * CJK characters and emoji count 2, most other characters 1, text normalised to NFC first.
 */
export function xTextLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

export function xPostLength(text: string, contentWarning: string | null | undefined): number {
  return xTextLength(xPostText(text, contentWarning));
}

/** Whether X would accept this text (length, and no characters X refuses). */
export function xTextValid(text: string): boolean {
  return twitterText.parseTweet(text).valid;
}
