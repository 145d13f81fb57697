/**
 * The load generator of bench/sites.ts, in a process of its own so it does not share a CPU core's
 * event loop with the server it measures. Reads its options as JSON in argv[2], prints the result
 * as one JSON line.
 */
import autocannon from 'autocannon';

interface RunOptions {
  url: string;
  paths: string[];
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as RunOptions;
const result = await autocannon({
  url: opts.url,
  connections: opts.connections,
  duration: opts.duration,
  headers: opts.headers,
  requests: opts.paths.map((path) => ({ method: 'GET', path })),
});
const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
process.stdout.write(
  JSON.stringify({ rps: result.requests.average, total: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, timeouts: result.timeouts, statuses }) + '\n',
);
