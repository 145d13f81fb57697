import { describe, expect, it } from '@jest/globals';
import { pickLanguage } from './languages';

describe('pickLanguage', () => {
  it('prefers the remembered language, then the browser order, then English', () => {
    expect(pickLanguage('fr', ['en-US'])).toBe('fr');
    expect(pickLanguage(null, ['de-DE', 'fr-CA', 'en'])).toBe('fr');
    expect(pickLanguage('xx', ['en-GB'])).toBe('en');
    expect(pickLanguage(null, ['de'])).toBe('en');
  });
});
