import { expect } from '@jest/globals';
import type { Api } from './api.js';

/** Creates `n` members with the right to vote and returns their API tokens. */
export async function createVoters(api: Api, adminToken: string, n: number, role = 'member'): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = await api.call('POST', '/v1/members', adminToken, { name: `${role} ${i + 1}`, role });
    const tk = await api.call('POST', `/v1/members/${m.body.id}/tokens`, adminToken, { name: 'votes' });
    tokens.push(tk.body.token as string);
  }
  return tokens;
}

export async function openMotion(api: Api, token: string, strikeId: string, kind: string): Promise<string> {
  const res = await api.call('GET', `/v1/strikes/${strikeId}`, token);
  const motion = (res.body.motions as { id: string; kind: string; status: string }[]).find((m) => m.kind === kind && m.status === 'open');
  if (!motion) throw new Error(`no open ${kind} motion on ${strikeId}: ${JSON.stringify(res.body.motions)}`);
  return motion.id;
}

/** Every voter approves the motion; the last vote reaches the decision. */
export async function approveMotion(api: Api, motionId: string, voterTokens: string[]): Promise<void> {
  for (const token of voterTokens) {
    const r = await api.call('PUT', `/v1/motions/${motionId}/vote`, token, { choice: 'approve' });
    if (r.status !== 200) throw new Error(`vote failed: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

/** Proposes a strike and has it approved by the collective; returns the approved strike. */
export async function approvedStrike(api: Api, proposerToken: string, voterTokens: string[], body: Record<string, unknown>) {
  const created = await api.call('POST', '/v1/strikes', proposerToken, body);
  if (created.status !== 201) throw new Error(`strike refused: ${created.status} ${JSON.stringify(created.body)}`);
  const motionId = await openMotion(api, proposerToken, created.body.id, 'approve');
  await approveMotion(api, motionId, voterTokens);
  const strike = await api.call('GET', `/v1/strikes/${created.body.id}`, proposerToken);
  expect(strike.body.state).toBe('approved');
  return strike.body as { id: string; effectiveFrom: string; endsAt: string; state: string };
}

export const message = (text: string) => ({ text });
