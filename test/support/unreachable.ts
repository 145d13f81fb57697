import { createServer } from 'node:net';

/**
 * Stands in for a stopped Piquet on its port: every connection is cut at once, so a proxy asking
 * it gets an error, as from a process that is gone. Holding the port matters when test files run
 * side by side: a port left free may be taken by another file's API, whose answers ("no such site")
 * are not what a proxy meets when Piquet is down. Returns how to let the port go.
 */
export async function holdUnreachable(url: string): Promise<() => Promise<void>> {
  const { hostname, port } = new URL(url);
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), hostname, () => resolve());
  });
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
