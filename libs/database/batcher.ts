/**
 * Runs one statement for many callers: a call made while the previous statement is still out waits
 * for it and then goes with every other call that waited meanwhile, in one round trip. An idle
 * batcher sends a lone call at once, so nothing waits on a quiet worker; under load the batches
 * grow by themselves (group commit). Each caller gets its own result, or the statement's error, or
 * an Error the statement gave for that caller alone (a part of the batch that failed).
 *
 * The statement must answer each input as if it had run alone, at the moment it runs: callers that
 * need a fresh answer (the gate) get one at least as fresh as their own call.
 */
export class Batcher<I, O> {
  private pending: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly run: (inputs: I[]) => Promise<(O | Error)[]>,
    private readonly options: { maxInFlight: number; maxBatch: number },
  ) {}

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.send(batch);
    }
  }

  private async send(batch: typeof this.pending): Promise<void> {
    try {
      const outputs = await this.run(batch.map((b) => b.input));
      if (outputs.length !== batch.length) throw new Error(`A batched statement answered ${outputs.length} of ${batch.length} inputs`);
      batch.forEach((b, i) => {
        const out = outputs[i]!;
        if (out instanceof Error) b.reject(out);
        else b.resolve(out);
      });
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.inFlight -= 1;
      this.pump();
    }
  }
}
