import { describe, expect, it } from '@jest/globals';
import { Batcher } from './batcher.js';

/** A statement whose answers the test releases by hand, recording each batch it was sent. */
function gatedStatement() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const run = (inputs: number[]) => {
    batches.push(inputs);
    return new Promise<number[]>((resolve) => releases.push(() => resolve(inputs.map((x) => x * 10))));
  };
  return { batches, run, releaseNext: () => releases.shift()?.() };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  it('sends a lone call at once, and the calls made meanwhile together in the next statement', async () => {
    const st = gatedStatement();
    const b = new Batcher(st.run, { maxInFlight: 1, maxBatch: 10 });
    const first = b.call(1);
    expect(st.batches).toEqual([[1]]);
    const later = [b.call(2), b.call(3), b.call(4)];
    await settle();
    expect(st.batches).toEqual([[1]]);
    st.releaseNext();
    expect(await first).toBe(10);
    await settle();
    expect(st.batches).toEqual([[1], [2, 3, 4]]);
    st.releaseNext();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('keeps up to maxInFlight statements out, none larger than maxBatch', async () => {
    const st = gatedStatement();
    const b = new Batcher(st.run, { maxInFlight: 2, maxBatch: 2 });
    const calls = [1, 2, 3, 4, 5].map((x) => b.call(x));
    expect(st.batches).toEqual([[1], [2]]);
    st.releaseNext();
    await settle();
    expect(st.batches).toEqual([[1], [2], [3, 4]]);
    st.releaseNext();
    await settle();
    st.releaseNext();
    await settle();
    st.releaseNext();
    expect(await Promise.all(calls)).toEqual([10, 20, 30, 40, 50]);
    expect(st.batches).toEqual([[1], [2], [3, 4], [5]]);
  });

  it("gives every caller of a failed statement its error, and goes on with the next", async () => {
    let fail = true;
    const b = new Batcher(async (xs: number[]) => {
      if (fail) throw new Error('connection lost');
      return xs;
    }, { maxInFlight: 1, maxBatch: 10 });
    const failed = [b.call(1), b.call(2)];
    await expect(failed[0]).rejects.toThrow('connection lost');
    await expect(failed[1]).rejects.toThrow('connection lost');
    fail = false;
    expect(await b.call(3)).toBe(3);
  });

  it('rejects only the callers the statement answered with an error', async () => {
    const b = new Batcher(async (xs: number[]) => xs.map((x) => (x % 2 ? new Error(`odd ${x}`) : x)), { maxInFlight: 1, maxBatch: 10 });
    const [one, two] = [b.call(1), b.call(2)];
    await expect(one).rejects.toThrow('odd 1');
    expect(await two).toBe(2);
  });

  it('rejects every caller when the statement answers for fewer inputs than it was given', async () => {
    const b = new Batcher(async (xs: number[]) => xs.slice(1), { maxInFlight: 1, maxBatch: 10 });
    await expect(b.call(1)).rejects.toThrow('answered 0 of 1 inputs');
  });
});
