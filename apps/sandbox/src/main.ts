import { parseArgs } from 'node:util';
import { FakeMastodon } from './mastodon-server.js';

// A Mastodon-compatible server to try Piquet without a real account. Nothing leaves this machine.
// It keeps what it receives for as long as it runs; the switches play servers that speak Mastodon's
// API only in part.
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4000' },
    token: { type: 'string', default: 'sandbox-token' },
    'reader-token': { type: 'string', default: 'reader-token' },
    'plain-404': { type: 'boolean', default: false },
    'no-multi-status': { type: 'boolean', default: false },
    'no-scheduled': { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    'fixed-avatar-url': { type: 'boolean', default: false },
    'no-rate-limit-headers': { type: 'boolean', default: false },
    partial: { type: 'boolean', default: false },
  },
});
const all = values.partial;
const server = new FakeMastodon().behave({
  jsonNotFound: !(all || values['plain-404']),
  multiStatus: !(all || values['no-multi-status']),
  scheduledStatuses: !(all || values['no-scheduled']),
  pin: !(all || values['no-pin']),
  fixedImageUrls: all || values['fixed-avatar-url'],
  rateLimitHeaders: !(all || values['no-rate-limit-headers']),
  ...(all && { version: '4.0.0 (compatible; Piquet sandbox)' }),
});
const account = server.addAccount('piquet', values.token);
const reader = server.addAccount('lectrice', values['reader-token']);
reader.displayName = 'Une lectrice';
const url = await server.start(Number(values.port));
const off = [
  !server.jsonNotFound && 'unknown routes answer 404 in text/plain',
  !server.multiStatus && 'no GET /api/v1/statuses?id[]=',
  !server.scheduledStatuses && 'no scheduled statuses (scheduled_at ignored)',
  !server.pin && 'no pin',
  server.fixedImageUrls && 'one avatar URL, overwritten in place',
  !server.rateLimitHeaders && 'no rate-limit headers',
].filter(Boolean);
process.stdout.write(
  `Mastodon sandbox listening on ${url}${off.length > 0 ? ` (${off.join('; ')})` : ''}\n` +
    `  account @${account.username}, access token: ${account.token}; its public page: ${url}/@${account.username}\n` +
    `  connect it (Piquet needs ALLOW_PRIVATE_INSTANCES=true; $T is your Piquet API token):\n` +
    `  curl -s localhost:3000/v1/accounts -H "authorization: Bearer $T" -H 'content-type: application/json' \\\n` +
    `    -d '{"network":"mastodon","instanceUrl":"${url}","accessToken":"${account.token}"}'\n` +
    `  a reader to favourite, boost and reply, access token: ${reader.token}:\n` +
    `  curl -s -X POST ${url}/api/v1/statuses/<status id>/favourite -H 'authorization: Bearer ${reader.token}'\n`,
);
// Statuses are kept (lookups, lists and the public page keep working); only new ones are printed.
let printed = 0;
setInterval(() => {
  for (const s of server.statuses.slice(printed)) {
    const who = server.accountById(s.accountId)?.username ?? s.accountId;
    process.stdout.write(`status ${s.id} by @${who}${s.inReplyToId ? ` in reply to ${s.inReplyToId}` : ''}: ${s.text.slice(0, 80)}\n`);
  }
  printed = server.statuses.length;
}, 1000);
