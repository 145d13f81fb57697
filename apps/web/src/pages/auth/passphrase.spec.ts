import { describe, expect, it } from '@jest/globals';
import { passphraseProblem } from './passphrase';

describe('passphraseProblem', () => {
  it('asks for 12 to 1024 characters, counting code points', () => {
    expect(passphraseProblem('short')).toBe('short');
    expect(passphraseProblem('😀'.repeat(11))).toBe('short');
    expect(passphraseProblem('correct horse battery')).toBeNull();
    expect(passphraseProblem('x'.repeat(1025))).toBe('long');
  });
});
