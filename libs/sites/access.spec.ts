import { describe, expect, it } from '@jest/globals';
import { decideAccess, nextChange, normalisePath, pathClosed, prefixProblem, siteOrigin, strikeInForce, type SiteStrikeWindow } from './access.js';

const at = (iso: string) => new Date(iso);
const w = (id: string, from: string, to: string, form: SiteStrikeWindow['form'] = 'closed'): SiteStrikeWindow => ({
  strikeId: id,
  form,
  effectiveFrom: at(from),
  startsAt: at(from),
  endsAt: at(to),
});

describe('paths', () => {
  it.each([
    ['/a/b?x=1', '/a/b'],
    ['//a///b', '/a/b'],
    ['/legal/../admin', '/admin'],
    ['/legal/%2e%2e/admin', '/admin'],
    ['/a/./b/', '/a/b/'],
    ['https://site.example/x/y?z', '/x/y'],
    ['', '/'],
    ['/%E0%A4%A', '/%E0%A4%A'],
  ])('%j reads as %j', (raw, path) => expect(normalisePath(raw)).toBe(path));

  it('closes the whole site, or its prefixes, never an exception', () => {
    const whole = { closedPrefixes: [], exceptPrefixes: ['/legal'] };
    expect(pathClosed(whole, '/')).toBe(true);
    expect(pathClosed(whole, '/legal')).toBe(false);
    expect(pathClosed(whole, '/legal/mentions')).toBe(false);
    expect(pathClosed(whole, '/legalese')).toBe(true);
    expect(pathClosed(whole, '/legal/../admin')).toBe(true);
    const some = { closedPrefixes: ['/articles/'], exceptPrefixes: [] };
    expect(pathClosed(some, '/articles')).toBe(true);
    expect(pathClosed(some, '/articles/1')).toBe(true);
    expect(pathClosed(some, '/about')).toBe(false);
  });

  it('refuses prefixes that are not plain paths', () => {
    expect(prefixProblem('/legal')).toBeNull();
    expect(prefixProblem('/legal/')).toBeNull();
    expect(prefixProblem('legal')).toMatch(/start with/);
    expect(prefixProblem('/a?b')).toMatch(/query/);
    expect(prefixProblem('/a/../b')).toMatch(/plain path/);
  });

  it('takes an origin, nothing more', () => {
    expect(siteOrigin('https://journal.example')).toBe('https://journal.example');
    expect(siteOrigin('https://journal.example/')).toBe('https://journal.example');
    expect(siteOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(siteOrigin('https://journal.example/path')).toBeNull();
    expect(siteOrigin('https://u:p@journal.example')).toBeNull();
    expect(siteOrigin('javascript:alert(1)')).toBeNull();
  });
});

describe('windows', () => {
  const windows = [w('a', '2026-12-05T09:00:00Z', '2026-12-05T10:00:00Z'), w('b', '2026-12-05T12:00:00Z', '2026-12-05T13:00:00Z', 'banner')];

  it('knows the strike in force and the next change', () => {
    expect(strikeInForce(windows, at('2026-12-05T08:59:59Z'))).toBeNull();
    expect(strikeInForce(windows, at('2026-12-05T09:00:00Z'))?.strikeId).toBe('a');
    expect(strikeInForce(windows, at('2026-12-05T10:00:00Z'))).toBeNull();
    expect(nextChange(windows, at('2026-12-05T09:30:00Z'))).toEqual(at('2026-12-05T10:00:00Z'));
    expect(nextChange(windows, at('2026-12-05T13:00:00Z'))).toBeNull();
  });

  it('closes only for a closing strike, with Retry-After to its end, and caches never past a change', () => {
    const rules = { closedPrefixes: [], exceptPrefixes: ['/legal'] };
    expect(decideAccess(rules, windows, '/', at('2026-12-05T08:59:58Z'))).toEqual({ open: true, cacheSeconds: 2 });
    expect(decideAccess(rules, windows, '/', at('2026-12-05T09:59:00Z'))).toEqual({ open: false, strikeId: 'a', retryAfterSeconds: 60, cacheSeconds: 5 });
    expect(decideAccess(rules, windows, '/legal', at('2026-12-05T09:30:00Z')).open).toBe(true);
    // A banner strike never closes the site.
    expect(decideAccess(rules, windows, '/', at('2026-12-05T12:30:00Z')).open).toBe(true);
    expect(decideAccess(rules, [], '/', at('2026-12-05T12:30:00Z'))).toEqual({ open: true, cacheSeconds: 5 });
  });
});
