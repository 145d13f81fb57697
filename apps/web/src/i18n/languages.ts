export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];
export const STORAGE_KEY = 'piquet.language';

/** The language to start in: the one remembered, else the browser's first supported one, else English. */
export function pickLanguage(remembered: string | null, browser: readonly string[]): Language {
  const supported = (tag: string | null | undefined): Language | null => {
    const base = (tag ?? '').toLowerCase().split('-')[0];
    return (LANGUAGES as readonly string[]).includes(base ?? '') ? (base as Language) : null;
  };
  return supported(remembered) ?? browser.map(supported).find((l) => l !== null) ?? 'en';
}
