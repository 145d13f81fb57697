import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { IsString, validateSync } from 'class-validator';
import { IsHeaderSafe, IsInstantWithOffset, IsNotBlank, latestDate, Optional } from './validators.js';

class Sample {
  @Optional()
  @IsString()
  @IsNotBlank()
  name?: string;

  @Optional()
  @IsInstantWithOffset()
  at?: string;

  @Optional()
  @IsHeaderSafe()
  token?: string;
}

const errors = (plain: object) =>
  validateSync(plainToInstance(Sample, plain)).flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`));

describe('validators', () => {
  it('Optional means absent: null is checked like any value', () => {
    expect(errors({})).toEqual([]);
    expect(errors({ name: null })).toEqual(expect.arrayContaining([expect.stringMatching(/^name: /)]));
  });

  it.each(['   ', '\t\n', '\u3000', '\u200B\u00A0', ''])('refuses the blank name %j', (name) => {
    expect(errors({ name })).toContain('name: must not be empty or only spaces');
  });

  it('accepts names with a visible character', () => {
    expect(errors({ name: ' ✊ ' })).toEqual([]);
  });

  it('refuses dates past the horizon, naming it, and before 2000', () => {
    const later = new Date(latestDate().getTime() + 86_400_000).toISOString();
    expect(errors({ at: later })[0]).toMatch(/5 years from now \(\d{4}-/);
    expect(errors({ at: '1999-12-31T23:59:59Z' })[0]).toMatch(/between 2000-01-01/);
    expect(errors({ at: '2026-12-05T09:00:00' })[0]).toMatch(/with an offset/);
    expect(errors({ at: new Date(Date.now() + 86_400_000).toISOString() })).toEqual([]);
  });

  it.each(['abc def', 'a\r\nb', 'a\u0000', 'jeton✊', 'é\u0080', 'tab\t'])('refuses the token %j', (token) => {
    expect(errors({ token })[0]).toMatch(/^token: may hold only visible characters/);
  });

  it('accepts visible ASCII and Latin-1 tokens', () => {
    expect(errors({ token: 'Abc-123_~.+/=' })).toEqual([]);
    expect(errors({ token: 'café' })).toEqual([]);
  });
});
