import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { FakeAccount, FakeMastodon } from '../../apps/sandbox/src/mastodon-server.js';
import { createApiApp } from '../../apps/api/src/bootstrap-app.js';
import { OrganisationsRepository } from '../../apps/api/src/organisations/organisations.repository.js';
import type { AppConfig } from '#config/config.js';
import { issueApiToken } from '#crypto/api-tokens.js';
import { PrismaService } from '#database/prisma.service.js';
import { waitFor } from './env.js';

export interface Api {
  app: NestExpressApplication;
  url: string;
  call<T = any>(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }>;
  createOrganisation(name: string): Promise<{ organisationId: string; memberId: string; token: string }>;
  close(): Promise<void>;
}

/** The real HTTP API, in this process, on an ephemeral port; tests talk to it over HTTP. */
export async function startApi(config: AppConfig): Promise<Api> {
  const app = await createApiApp(config, { logs: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const prisma = app.get(PrismaService);
  // Connect first: on a loaded machine the first connection can outlast a transaction's 2 s wait.
  await prisma.client.$queryRaw`SELECT 1`;
  const organisations = new OrganisationsRepository(prisma);
  return {
    app,
    url,
    async call(method, path, token, body) {
      const res = await fetch(url + path, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as never) : (undefined as never) };
    },
    async createOrganisation(name) {
      const token = issueApiToken();
      const ids = await organisations.createWithAdmin(name, 'admin', token);
      return { ...ids, token: token.secret };
    },
    close: () => app.close(),
  };
}

export interface Connected {
  remote: FakeAccount;
  account: { id: string; handle: string };
}

export async function connectAccount(api: Api, token: string, server: FakeMastodon, username: string): Promise<Connected> {
  const remote = server.addAccount(username);
  const res = await api.call('POST', '/v1/accounts', token, { network: 'mastodon', instanceUrl: server.url, accessToken: remote.token });
  if (res.status !== 201) throw new Error(`connect failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { remote, account: res.body };
}

export async function schedulePost(api: Api, token: string, accountIds: string[], text: string, scheduledAt: string) {
  const res = await api.call('POST', '/v1/posts', token, { text, scheduledAt, accountIds });
  if (res.status !== 201) throw new Error(`post failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; deliveries: { id: string; accountId: string }[] };
}

/** Waits until every delivery of the post is in a final state, and returns the post. */
export async function settledPost(api: Api, token: string, postId: string, timeoutMs = 30_000) {
  return waitFor(async () => {
    const r = await api.call('GET', `/v1/posts/${postId}`, token);
    return r.body.deliveries.every((d: { state: string }) => ['published', 'failed', 'cancelled'].includes(d.state)) ? r.body : null;
  }, `post ${postId} to settle`, timeoutMs);
}
