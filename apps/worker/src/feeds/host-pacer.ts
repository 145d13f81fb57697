/**
 * Politeness per host: one request at a time to a host, and at least `gapMs` between the end of
 * one and the start of the next, whatever the number of feeds it serves. Per worker process.
 */
export class HostPacer {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly gapMs: number) {}

  run<T>(host: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(host) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => this.pause(),
      () => this.pause(),
    );
    this.tails.set(host, tail);
    void tail.then(() => {
      if (this.tails.get(host) === tail) this.tails.delete(host);
    });
    return result;
  }

  private pause(): Promise<void> {
    return this.gapMs > 0 ? new Promise((r) => setTimeout(r, this.gapMs)) : Promise.resolve();
  }
}
