import { parseArgs } from 'node:util';
import { FakeMastodon } from './mastodon-server.js';

// A Mastodon-compatible server to try Piquet without a real account. Nothing leaves this machine.
const { values } = parseArgs({ options: { port: { type: 'string', default: '4000' }, token: { type: 'string', default: 'sandbox-token' } } });
const server = new FakeMastodon();
const account = server.addAccount('piquet', values.token);
const url = await server.start(Number(values.port));
process.stdout.write(
  `Mastodon sandbox listening on ${url}\n` +
    `  account @${account.username}, access token: ${account.token}\n` +
    `  connect it with ALLOW_PRIVATE_INSTANCES=true:\n` +
    `  curl -X POST localhost:3000/v1/accounts -H "authorization: Bearer $T" -H 'content-type: application/json' \\\n` +
    `    -d '{"network":"mastodon","instanceUrl":"${url}","accessToken":"${account.token}"}'\n`,
);
setInterval(() => {
  const fresh = server.statuses.splice(0);
  for (const s of fresh) process.stdout.write(`status ${s.id} by account ${s.accountId}: ${s.text.slice(0, 80)}\n`);
}, 1000);
