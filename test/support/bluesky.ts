import { AtpAgent } from '@atproto/api';
import { startNode } from './processes.js';

/** A Bluesky network in its own process (apps/sandbox/src/bluesky-network.ts, built); this side speaks HTTP only. */
export async function startBluesky() {
  const child = await startNode('dist/apps/sandbox/src/bluesky-network.js', { PATH: process.env['PATH'] ?? '' }, /"bluesky":/);
  const line = child.output().split('\n').find((l) => l.includes('"bluesky":'))!;
  const { pds, control } = (JSON.parse(line) as { bluesky: { pds: string; control: string } }).bluesky;
  return {
    pdsUrl: pds,
    /** Waits until the AppView has indexed everything (likes, replies, profiles). */
    async processAll(): Promise<void> {
      const res = await fetch(`${control}/process-all`, { method: 'POST' });
      if (res.status !== 204) throw new Error(`processAll failed: ${res.status} ${await res.text()}`);
    },
    /** A person on the network, and an app password for Piquet. */
    async createAccount(name: string): Promise<{ agent: AtpAgent; handle: string; appPassword: string }> {
      const agent = new AtpAgent({ service: pds });
      const handle = `${name}.test`;
      await agent.createAccount({ handle, email: `${name}@example.test`, password: `${name}-password` });
      const app = await agent.com.atproto.server.createAppPassword({ name: 'piquet' });
      return { agent, handle, appPassword: app.data.password };
    },
    /** What the network process printed (for a failing test's message). */
    output: () => child.output(),
    async close(): Promise<void> {
      await child.stop();
    },
  };
}
