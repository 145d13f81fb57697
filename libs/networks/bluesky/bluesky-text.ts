// Bluesky's text rules, free of Node and of @atproto/api so the web app's composer counts with them too.

/**
 * Bluesky has no content-warning text (its self-labels only mark media as adult or graphic), so a
 * content warning becomes the first paragraph of the post: it is published and counted as text.
 */
export function blueskyText(text: string, contentWarning: string | null | undefined): string {
  return contentWarning ? `CW: ${contentWarning}\n\n${text}` : text;
}

const segmenter = new Intl.Segmenter();

/** Graphemes, as @atproto/api's RichText counts them (Intl.Segmenter); links count in full. */
export function blueskyPostLength(text: string, contentWarning: string | null | undefined): number {
  return [...segmenter.segment(blueskyText(text, contentWarning))].length;
}
