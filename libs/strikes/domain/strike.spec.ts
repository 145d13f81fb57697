import { describe, expect, it } from '@jest/globals';
import { approvalsNeeded, assemblyCarries, votesCarry, votesReject } from './strike.js';

const rule = { quorumCount: 2, quorumPercent: 50 };

describe('the decision rule', () => {
  it('needs max(the fixed number, the percentage of eligible voters, rounded up)', () => {
    expect(approvalsNeeded(rule, 1)).toBe(2);
    expect(approvalsNeeded(rule, 5)).toBe(3);
    expect(approvalsNeeded(rule, 10)).toBe(5);
    expect(approvalsNeeded({ quorumCount: 3, quorumPercent: 10 }, 10)).toBe(3);
  });

  it('carries when approvals reach the threshold and outnumber rejections', () => {
    expect(votesCarry(rule, 5, 2, 0)).toBe(false);
    expect(votesCarry(rule, 5, 3, 0)).toBe(true);
    expect(votesCarry({ quorumCount: 2, quorumPercent: 30 }, 10, 3, 3)).toBe(false);
    expect(votesCarry({ quorumCount: 2, quorumPercent: 30 }, 10, 4, 3)).toBe(true);
  });

  it('rejects only when rejections would carry it the other way', () => {
    expect(votesReject(rule, 5, 0, 2)).toBe(false);
    expect(votesReject(rule, 5, 1, 3)).toBe(true);
    expect(votesReject(rule, 6, 3, 3)).toBe(false);
  });

  it('an assembly authorises when for outnumbers against', () => {
    expect(assemblyCarries(10, 9)).toBe(true);
    expect(assemblyCarries(9, 9)).toBe(false);
  });
});
