import type { Job } from 'bullmq';
import type { StrikeJobName, StrikeJobs, StrikeQueueJob } from '#queue/contracts.js';

/** One job of the strikes queue, its payload typed by its name (as immich's JobOf). */
export type StrikeJobOf<K extends StrikeJobName> = Job<StrikeJobs[K], string, K>;

/**
 * A handler for every job name of the strikes queue: a name added to `StrikeJobs` without its
 * handler does not compile.
 */
export type StrikeJobHandlers = { [K in StrikeJobName]: (job: StrikeJobOf<K>, token: string | undefined) => Promise<string> };

const isStrikeJob = <K extends StrikeJobName>(handlers: StrikeJobHandlers, name: string): name is K => Object.hasOwn(handlers, name);

/** Runs the handler of a job's name; the job's payload is the one that name carries. */
export function dispatchStrikeJob(handlers: StrikeJobHandlers, job: Job<StrikeQueueJob, string, string>, token: string | undefined): Promise<string> {
  const name = job.name;
  if (!isStrikeJob(handlers, name)) throw new Error(`Unknown strike job ${name}`);
  // The producer (libs/queue/strike-queue.ts) adds each name with its own payload.
  const handler = handlers[name] as (job: Job<StrikeQueueJob, string, string>, token: string | undefined) => Promise<string>;
  return handler(job, token);
}
