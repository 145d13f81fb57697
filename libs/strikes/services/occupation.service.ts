import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { CLOCK, type Clock } from '#clock/clock.js';
import type { AccountCapabilitiesRecord } from '#domain/models.js';
import { AccountCapabilities } from '#networks/account-capabilities.js';
import { AccountConnections } from '#networks/account-connections.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import { OccupationsRepository, type OccupationRecord } from '../persistence/occupations.repository.js';
import { OccupationStepsRepository, type StepPhase } from '../persistence/occupation-steps.repository.js';
import { NativePosts } from './native-posts.js';
import {
  isPermanent,
  lastFailure,
  messageOf,
  OCCUPY_STEPS,
  phaseState,
  RESTORE_STEPS,
  stepKey,
  StepRunner,
  WAIT,
  type Attempt,
  type OccupationContext,
  type StepResult,
  type Wait,
} from './occupation-steps.js';
import { ProfileOccupation } from './profile-occupation.js';

/** While the opening post is on its way, the pin waits this long before the occupation tries again. */
const PIN_WAIT_MS = 2000;

/** An occupation that cannot finish yet: the caller runs it again at `until` (the worker delays its job). */
export interface OccupationWait {
  waitUntil: Date;
}

export interface AccountOfStrike {
  strikeId: string;
  accountId: string;
}

/**
 * One account of a strike, at the start (park natively scheduled posts, occupy the profile, pin the
 * opening post) and at the end (give the parked posts their fate, put the profile back field by
 * field, unpin). Each step records its outcome (occupation_steps) and degrades alone: a server
 * without a feature makes that step `unsupported` and the others go on; a step that fails keeps its
 * last error after the strike. A retry resumes at the first unfinished step. Errors propagate (the
 * queue retries); a permanent failure, or any on the last attempt, is recorded first.
 */
@Injectable()
export class OccupationService {
  private readonly runner: StepRunner;
  private readonly native: NativePosts;
  private readonly profile: ProfileOccupation;

  constructor(
    private readonly occupations: OccupationsRepository,
    private readonly networks: NetworkRegistry,
    private readonly connections: AccountConnections,
    private readonly checks: AccountCapabilities,
    private readonly steps: OccupationStepsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.runner = new StepRunner(steps, checks);
    this.native = new NativePosts(occupations);
    this.profile = new ProfileOccupation(occupations, steps, this.runner);
  }

  async occupy({ strikeId, accountId }: AccountOfStrike, attempt: Attempt): Promise<'skipped' | 'occupied' | OccupationWait> {
    const occ = await this.occupations.load(strikeId, accountId);
    if (!occ || occ.occupyState !== 'pending') return 'skipped';
    if (occ.strike.state !== 'running') {
      await this.occupations.setOccupyState(strikeId, accountId, 'pending', 'skipped');
      return 'skipped';
    }
    return this.guard(occ, 'occupy', attempt, async () => {
      const ctx = await this.context(occ, attempt, true);
      const results: (StepResult | Wait)[] = [
        await this.runner.run(ctx, 'occupy', 'native-scheduled', () => this.native.park(ctx)),
        await this.runner.run(ctx, 'occupy', 'profile', () => this.profile.occupy(ctx)),
      ];
      const pin = await this.runner.run(ctx, 'occupy', 'pin', () => this.profile.pinOpening(ctx));
      if (pin === WAIT) return { waitUntil: new Date(this.clock.now().getTime() + PIN_WAIT_MS) };
      results.push(pin);
      await this.occupations.setOccupyState(strikeId, accountId, 'pending', phaseState(results), lastFailure(results));
      return 'occupied' as const;
    });
  }

  /** Parks what other tools scheduled into the window since the last look. */
  async rescan({ strikeId, accountId }: AccountOfStrike, attempt: Attempt): Promise<'skipped' | 'rescanned'> {
    const occ = await this.occupations.load(strikeId, accountId);
    if (!occ || occ.strike.state !== 'running' || occ.account.status !== 'active') return 'skipped';
    const ctx = await this.context(occ, attempt, false);
    if (!this.native.mayPark(ctx)) return 'skipped';
    await this.native.park(ctx);
    return 'rescanned';
  }

  async restore({ strikeId, accountId }: AccountOfStrike, attempt: Attempt): Promise<'skipped' | 'restored'> {
    const occ = await this.occupations.load(strikeId, accountId);
    if (!occ || occ.restoreState !== 'pending') return 'skipped';
    // An occupation still unfinished at the end stops here; its steps keep what went wrong.
    if (occ.occupyState === 'pending') await this.endUnfinishedOccupation(occ);
    return this.guard(occ, 'restore', attempt, async () => {
      const ctx = await this.context(occ, attempt, false);
      const report: Record<string, string> = {};
      const results: (StepResult | Wait)[] = [await this.runner.run(ctx, 'restore', 'native-scheduled', () => this.native.release(ctx, report, this.clock.now()))];
      results.push(...(await this.profile.restore(ctx, report)));
      results.push(await this.runner.run(ctx, 'restore', 'unpin', () => this.profile.unpin(ctx, report)));
      await this.occupations.finishRestore(strikeId, accountId, phaseState(results), report, lastFailure(results));
      return 'restored' as const;
    });
  }

  private async context(occ: OccupationRecord, attempt: Attempt, refresh: boolean): Promise<OccupationContext> {
    const adapter = this.networks.get(occ.account.network);
    const conn = await this.connections.open(occ.account);
    let caps = (occ.capabilities ?? {}) as AccountCapabilitiesRecord;
    // Before the strike's first step, the server is asked again what it offers; kept with the occupation.
    if (refresh && !occ.capabilities) {
      caps = await this.checks.refresh(occ.account, 'strike-start');
      await this.steps.saveCapabilities(occ.strike.id, occ.account.id, caps);
    }
    return { occ, adapter, conn, caps, attempt };
  }

  /** Errors outside the steps (the account refused, a crash) propagate; the last attempt records them. */
  private async guard<T>(occ: OccupationRecord, phase: StepPhase, attempt: Attempt, run: () => Promise<T>): Promise<T> {
    if (occ.account.status !== 'active') {
      return this.fail(occ, phase, `Account ${occ.account.handle} needs reconnecting`, new UnrecoverableError('account needs reconnecting'));
    }
    try {
      return await run();
    } catch (err) {
      const message = messageOf(err);
      const permanent = isPermanent(err);
      if (permanent || attempt.last) return this.fail(occ, phase, message, permanent ? new UnrecoverableError(message) : err);
      await this.occupations.recordError(occ.strike.id, occ.account.id, message);
      throw err;
    }
  }

  private async fail(occ: OccupationRecord, phase: StepPhase, message: string, err: unknown): Promise<never> {
    await this.steps.failPending(stepKey({ occ }, phase), phase === 'occupy' ? OCCUPY_STEPS : RESTORE_STEPS, message);
    if (phase === 'occupy') await this.occupations.setOccupyState(occ.strike.id, occ.account.id, 'pending', 'failed', message);
    else await this.occupations.finishRestore(occ.strike.id, occ.account.id, 'failed', {}, message);
    throw err;
  }

  private async endUnfinishedOccupation(occ: OccupationRecord): Promise<void> {
    const k = stepKey({ occ }, 'occupy');
    let failed = false;
    for (const step of OCCUPY_STEPS) {
      const outcome = await this.steps.outcome({ ...k, step });
      if (outcome === 'pending') {
        failed = true;
        await this.steps.finish({ ...k, step }, 'failed', 'the strike ended before this step could finish');
      } else if (outcome === null) {
        await this.steps.finish({ ...k, step }, 'skipped', 'the strike ended before this step ran');
      }
    }
    await this.occupations.setOccupyState(occ.strike.id, occ.account.id, 'pending', failed ? 'failed' : 'skipped');
  }
}
