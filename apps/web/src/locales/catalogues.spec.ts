/// <reference types="node" />
// Node types for this test only; ESLint keeps Node globals out of the app's own code.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(process.cwd(), 'apps/web/src/locales');

function keys(value: unknown, prefix = ''): string[] {
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
  return [prefix];
}

// A string missing in one language would show the English text (or the key) to the other.
describe('message catalogues', () => {
  const languages = readdirSync(dir).filter((d) => !d.includes('.'));
  const namespaces = new Set(languages.flatMap((l) => readdirSync(join(dir, l))));

  it('exist in English and French', () => {
    expect(languages.sort()).toEqual(['en', 'fr']);
  });

  for (const ns of namespaces) {
    it(`${ns} has the same keys in every language, none empty`, () => {
      const byLang = languages.map((l) => JSON.parse(readFileSync(join(dir, l, ns), 'utf8')) as unknown);
      const [first, ...rest] = byLang.map((c) => keys(c).sort());
      for (const other of rest) expect(other).toEqual(first);
      for (const c of byLang) {
        const flat = keys(c).map((k) => k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], c));
        expect(flat.every((s) => typeof s === 'string' && s.trim() !== '')).toBe(true);
      }
    });
  }
});
