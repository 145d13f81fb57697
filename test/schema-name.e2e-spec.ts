import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { FakeMastodon } from '../apps/sandbox/src/mastodon-server.js';
import { connectAccount, startApi, type Api } from './support/api.js';
import { createTestEnv, inSeconds, type TestEnv } from './support/env.js';
import { approvedStrike, createVoters, message } from './support/strikes.js';

// Prisma quotes the schema; an unquoted search_path folds it to lower case, and every raw query
// (row locks, the gate, the report) then missed the tables: `relation "motions" does not exist`.
describe('a schema name with capitals', () => {
  let t: TestEnv;
  let api: Api;
  const mastodon = new FakeMastodon();

  beforeAll(async () => {
    t = await createTestEnv({}, { schemaPrefix: 'Piquet_Caps_' });
    await mastodon.start();
    api = await startApi(t.config);
  });

  afterAll(async () => {
    await api?.close();
    await mastodon.stop();
    await t?.cleanup();
  });

  it('is created as written, and raw queries (locks, decisions, report) find its tables', async () => {
    expect(t.schema).toMatch(/^Piquet_Caps_/);
    const client = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
    await client.connect();
    const found = await client.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [t.schema, 'motions']);
    await client.end();
    expect(found.rowCount).toBe(1);

    const { token: admin } = await api.createOrganisation('Caps');
    const acc = await connectAccount(api, admin, mastodon, 'caps');
    const voters = await createVoters(api, admin, 2);
    const strike = await approvedStrike(api, admin, voters, {
      title: 'Grève', reason: 'Capitales', accountIds: [acc.account.id], startsAt: inSeconds(3600), endsAt: inSeconds(7200),
      mode: 'occupation', messages: { opening: message('En grève') },
    });
    const report = await api.call('GET', `/v1/strikes/${strike.id}/report`, admin);
    expect(report.status).toBe(200);
    const preview = await api.call('GET', `/v1/strikes/${strike.id}/preview`, admin);
    expect(preview.status).toBe(200);
  });
});
