import { describe, expect, it } from '@jest/globals';
import { pageLang, renderLinkRefused } from './link-refused-page.js';

describe('the refused-link page', () => {
  it.each([
    ['fr', undefined, 'fr'],
    ['xx', 'fr-CA,fr;q=0.9', 'fr'],
    [undefined, 'de-DE, en;q=0.8, fr;q=0.5', 'en'],
    [undefined, 'de, fr;q=0.3, en;q=0.2', 'fr'],
    [undefined, 'fr;q=0, en', 'en'],
    [undefined, undefined, 'en'],
    [undefined, 'garbage;;q=x', 'en'],
  ])('lang %j with Accept-Language %j reads %s', (lang, header, expected) => {
    expect(pageLang(lang, header)).toBe(expected);
  });

  it('says what happened, when, in the language, and escapes nothing it did not make', () => {
    const page = renderLinkRefused('expired', 'fr', new Date('2026-12-05T08:00:00Z'), 'Europe/Paris');
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain('Ce lien a expiré');
    expect(page).toContain('5 décembre 2026');
    expect(page).toContain('09:00');
    expect(page).not.toMatch(/<script/i);
    expect(renderLinkRefused('revoked', 'en', new Date('2026-12-05T08:00:00Z'), 'UTC')).toContain('revoked it on 5 December 2026');
  });
});
