import { describe, expect, it } from '@jest/globals';
import { startNode } from './support/processes.js';

describe('start-up configuration', () => {
  it.each([
    ['dist/apps/worker/src/main.js', { REDIS_URL: 'redis://127.0.0.1:6379', ENCRYPTION_KEY: 'ab'.repeat(32) }, /DATABASE_URL: is required/],
    ['dist/apps/api/src/main.js', { DATABASE_URL: 'postgresql://postgres@127.0.0.1/piquet', ENCRYPTION_KEY: 'ab'.repeat(32) }, /REDIS_URL: is required/],
    ['dist/apps/worker/src/main.js', { DATABASE_URL: 'postgresql://postgres@127.0.0.1/piquet', REDIS_URL: 'redis://127.0.0.1:6379', ENCRYPTION_KEY: 'nope' }, /ENCRYPTION_KEY: must be 32 bytes/],
  ])('%s stops at once with a message naming the bad variable', async (script, env, message) => {
    const proc = await startNode(script, env);
    expect(await proc.exited).toBe(78);
    expect(proc.output()).toMatch(message);
  });
});
