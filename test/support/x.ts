import type { FakeX, FakeXAccount } from '../../apps/sandbox/src/x-server.js';
import type { Api } from './api.js';

/** Connects an X account through Piquet's OAuth 2.0 + PKCE flow, the fake X approving as the person would. */
export async function connectX(api: Api, token: string, x: FakeX, username: string, profile: { name?: string; description?: string } = {}) {
  const { account: remote } = x.addAccount(username, profile);
  const start = await api.call('POST', '/v1/accounts/oauth/x', token);
  if (start.status !== 201) throw new Error(`X connection refused: ${start.status} ${JSON.stringify(start.body)}`);
  const { code, state } = x.authorize(start.body.authorizationUrl as string, remote.id);
  const done = await api.call('GET', `/v1/oauth/x/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`, null);
  if (done.status !== 200) throw new Error(`X callback refused: ${done.status} ${JSON.stringify(done.body)}`);
  return { remote: remote as FakeXAccount, account: done.body as { id: string; handle: string; network: string } };
}
