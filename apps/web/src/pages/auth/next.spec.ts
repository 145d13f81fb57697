import { describe, expect, it } from '@jest/globals';
import { safeNext } from './next';

describe('safeNext', () => {
  it('keeps paths on this site and refuses anything else', () => {
    expect(safeNext('/posts/new?x=1')).toBe('/posts/new?x=1');
    expect(safeNext(null)).toBe('/queue');
    expect(safeNext('https://evil.example/')).toBe('/queue');
    expect(safeNext('//evil.example/')).toBe('/queue');
    expect(safeNext('/\\evil.example')).toBe('/queue');
    expect(safeNext('/signin')).toBe('/queue');
  });
});
