import { NetworkError, NetworkUnsupportedError, statusOf } from '#networks/errors.js';
import type { AccountConnection, Feature, NetworkAdapter } from '#networks/network-adapter.js';
import type { AccountCapabilities } from '#networks/account-capabilities.js';
import type { AccountCapabilitiesRecord } from '#domain/models.js';
import type { OccupationRecord } from '../persistence/occupations.repository.js';
import type { OccupationStepsRepository, StepName, StepOutcome, StepPhase } from '../persistence/occupation-steps.repository.js';

/**
 * The steps of an account's occupation and restoration, and how each one ends: shared by the
 * occupation service and its parts (native-posts.ts, profile-occupation.ts).
 */

/** How the queue runs this attempt: a failure is final only on the last one (before it, the job is retried). */
export interface Attempt {
  last: boolean;
}

/** One account of a strike, opened for its steps. */
export interface OccupationContext {
  occ: OccupationRecord;
  adapter: NetworkAdapter;
  conn: AccountConnection;
  caps: AccountCapabilitiesRecord;
  attempt: Attempt;
}

export type Done = { outcome: 'done' | 'skipped' | 'unsupported' | 'edited-by-hand'; detail: string };
export type StepResult = { outcome: StepOutcome; error: string | null };
/** A step that cannot finish yet (the opening post is still on its way; a field is written with the others). */
export const WAIT = Symbol('wait');
export type Wait = typeof WAIT;

export const OCCUPY_STEPS: StepName[] = ['native-scheduled', 'profile', 'pin'];
export const RESTORE_STEPS: StepName[] = ['native-scheduled', 'display-name', 'bio', 'avatar', 'header', 'unpin'];

/** Refused for good (a revoked token, a refusal no retry changes): no retry. */
export const isPermanent = (err: unknown): boolean => err instanceof NetworkError && (err.kind === 'auth' || err.kind === 'permanent');

export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const stepKey = (ctx: Pick<OccupationContext, 'occ'>, phase: StepPhase) => ({
  organisationId: ctx.occ.strike.organisationId,
  strikeId: ctx.occ.strike.id,
  accountId: ctx.occ.account.id,
  phase,
});

/**
 * Runs one step once: a finished step is not run again on a retry. A server lacking the feature
 * (a 404/405 on its route) makes it `unsupported` and the next steps go on; any other refusal, or
 * the last attempt of a transient failure, makes it `failed` with its error and the next steps go
 * on too; a transient failure before the last attempt is kept and retried with the job.
 */
export class StepRunner {
  constructor(
    private readonly steps: OccupationStepsRepository,
    private readonly checks: AccountCapabilities,
  ) {}

  async run(ctx: OccupationContext, phase: StepPhase, step: StepName, run: () => Promise<Done | Wait>): Promise<StepResult | Wait> {
    const key = { ...stepKey(ctx, phase), step };
    const current = await this.steps.outcome(key);
    if (current !== null && current !== 'pending') return { outcome: current, error: null };
    try {
      const done = await run();
      if (done === WAIT) return WAIT;
      await this.steps.finish(key, done.outcome, done.detail);
      return { outcome: done.outcome, error: null };
    } catch (err) {
      const message = messageOf(err);
      const gap = featureGap(step, phase, err);
      if (gap) {
        await this.steps.finish(key, 'unsupported', `${gap.detail} (${message})`, message);
        await this.checks.learn(ctx.occ.account.id, gap.feature, { support: 'no', detail: message });
        return { outcome: 'unsupported', error: null };
      }
      if (!isPermanent(err) && !ctx.attempt.last) {
        await this.steps.attemptFailed(key, message);
        throw err;
      }
      await this.steps.finish(key, 'failed', null, message);
      return { outcome: 'failed', error: message };
    }
  }
}

/** A phase is done when no step failed, partial when some did, failed when every step that ran failed. */
export function phaseState(results: (StepResult | Wait)[]): 'done' | 'partial' | 'failed' {
  const ran = results.filter((r): r is StepResult => r !== WAIT && r.outcome !== 'skipped');
  const failed = ran.filter((r) => r.outcome === 'failed').length;
  if (failed === 0) return 'done';
  return failed === ran.length ? 'failed' : 'partial';
}

export function lastFailure(results: (StepResult | Wait)[]): string | null {
  return results.filter((r): r is StepResult => r !== WAIT && r.error !== null).at(-1)?.error ?? null;
}

/** A 404 or 405 on a feature's own route: the server lacks it (the step says what was done instead). */
function featureGap(step: StepName, phase: StepPhase, err: unknown): { feature: Feature; detail: string } | null {
  const missing = err instanceof NetworkUnsupportedError || statusOf(err) === 405 || (statusOf(err) === 404 && step === 'native-scheduled' && phase === 'occupy');
  if (!missing) return null;
  if (step === 'native-scheduled') return { feature: 'scheduledStatuses', detail: 'the server has no scheduled posts: nothing to move' };
  if (step === 'pin') return { feature: 'pin', detail: 'the server cannot pin posts: the opening post was published unpinned' };
  if (step === 'profile') return { feature: 'profileFields', detail: 'the server does not let the profile be changed: it was left as it is' };
  return null;
}
