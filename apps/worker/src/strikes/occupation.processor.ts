import { Inject, Injectable } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import { AccountConnections } from '#networks/account-connections.js';
import { OccupationsRepository, type OccupationRecord, type ProfileSnapshot } from '#strikes/persistence/occupations.repository.js';
import type { AccountOccupationJob } from '#queue/contracts.js';
import { NetworkError, NetworkUnsupportedError, statusOf } from '#networks/errors.js';
import type { AccountConnection, Feature, NetworkAdapter, ProfileImage, ProfileState, ProfileUpdate } from '#networks/network-adapter.js';
import { AccountCapabilities, mayUse } from '#networks/account-capabilities.js';
import { imageHash } from '#networks/image-hash.js';
import { OccupationStepsRepository, type StepName, type StepOutcome, type StepPhase } from '#strikes/persistence/occupation-steps.repository.js';
import type { AccountCapabilitiesRecord } from '#domain/models.js';
import { NetworkRegistry } from '#networks/network-registry.js';
import { NATIVE_MIN_LEAD_MS, occupiedDisplayName, returnTimes, strikeLengthMs } from '#strikes/domain/planner.js';
import { CLOCK, type Clock } from '#clock/clock.js';

/** Natively scheduled posts due in the window wait this far out until the strike's end gives them their fate. */
const PARK_MS = 365 * 24 * 3600_000;
const PIN_WAIT_MS = 2000;

type Ctx = { occ: OccupationRecord; adapter: NetworkAdapter; conn: AccountConnection; caps: AccountCapabilitiesRecord };
type Done = { outcome: 'done' | 'skipped' | 'unsupported' | 'edited-by-hand'; detail: string };
const WAIT = Symbol('wait');
const OCCUPY_STEPS: StepName[] = ['native-scheduled', 'profile', 'pin'];
const RESTORE_STEPS: StepName[] = ['native-scheduled', 'display-name', 'bio', 'avatar', 'header', 'unpin'];
const FIELDS = [
  { key: 'displayName', step: 'display-name', label: 'displayName' },
  { key: 'bio', step: 'bio', label: 'bio' },
  { key: 'avatarUrl', step: 'avatar', label: 'avatar' },
  { key: 'headerUrl', step: 'header', label: 'header' },
] as const;

/**
 * One account of a strike, at the start (park natively scheduled posts, occupy the profile, pin the
 * opening post) and at the end (give the parked posts their fate, put the profile back field by
 * field, unpin). Each step records its outcome (occupation_steps) and degrades alone: a server
 * without a feature makes that step `unsupported` and the others go on; a step that fails keeps its
 * last error after the strike. A retry resumes at the first unfinished step.
 */
@Injectable()
export class OccupationProcessor {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly occupations: OccupationsRepository,
    private readonly networks: NetworkRegistry,
    private readonly connections: AccountConnections,
    private readonly checks: AccountCapabilities,
    private readonly steps: OccupationStepsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async occupy(job: Job<AccountOccupationJob>, token: string | undefined): Promise<string> {
    const { strikeId, accountId } = job.data;
    const occ = await this.occupations.load(strikeId, accountId);
    if (!occ || occ.occupyState !== 'pending') return 'skipped';
    if (occ.strike.state !== 'running') {
      await this.occupations.setOccupyState(strikeId, accountId, 'pending', 'skipped');
      return 'skipped';
    }
    return this.guard(job, occ, 'occupy', async () => {
      const ctx = await this.context(occ, true);
      const results: (StepResult | typeof WAIT)[] = [
        await this.step(job, ctx, 'occupy', 'native-scheduled', () => this.parkNative(ctx)),
        await this.step(job, ctx, 'occupy', 'profile', () => this.occupyProfile(ctx)),
      ];
      const pin = await this.step(job, ctx, 'occupy', 'pin', () => this.pinOpening(ctx));
      if (pin === WAIT) {
        await job.moveToDelayed(this.clock.now().getTime() + PIN_WAIT_MS, token);
        throw new DelayedError();
      }
      results.push(pin);
      await this.occupations.setOccupyState(strikeId, accountId, 'pending', phaseState(results), lastFailure(results));
      return 'occupied';
    });
  }

  /** Parks what other tools scheduled into the window since the last look. */
  async rescan(job: Job<AccountOccupationJob>): Promise<string> {
    const { strikeId, accountId } = job.data;
    const occ = await this.occupations.load(strikeId, accountId);
    if (!occ || occ.strike.state !== 'running' || occ.account.status !== 'active') return 'skipped';
    const ctx = await this.context(occ, false);
    if (!this.mayPark(ctx)) return 'skipped';
    await this.parkNative(ctx);
    return 'rescanned';
  }

  async restore(job: Job<AccountOccupationJob>): Promise<string> {
    const { strikeId, accountId } = job.data;
    const occ = await this.occupations.load(strikeId, accountId);
    if (!occ || occ.restoreState !== 'pending') return 'skipped';
    // An occupation still unfinished at the end stops here; its steps keep what went wrong.
    if (occ.occupyState === 'pending') await this.endUnfinishedOccupation(occ);
    return this.guard(job, occ, 'restore', async () => {
      const ctx = await this.context(occ, false);
      const report: Record<string, string> = {};
      const results: (StepResult | typeof WAIT)[] = [await this.step(job, ctx, 'restore', 'native-scheduled', () => this.releaseNative(ctx, report))];
      results.push(...(await this.restoreProfile(job, ctx, report)));
      results.push(
        await this.step(job, ctx, 'restore', 'unpin', async () => {
          if (!occ.pinnedRemoteId) return { outcome: 'skipped', detail: 'nothing was pinned' };
          await ctx.adapter.unpin(ctx.conn, occ.pinnedRemoteId);
          report['pin'] = 'unpinned';
          return { outcome: 'done', detail: `post ${occ.pinnedRemoteId} unpinned` };
        }),
      );
      await this.occupations.finishRestore(strikeId, accountId, phaseState(results), report, lastFailure(results));
      return 'restored';
    });
  }

  private async context(occ: OccupationRecord, refresh: boolean): Promise<Ctx> {
    const adapter = this.networks.get(occ.account.network);
    const conn = await this.connections.open(occ.account);
    let caps = (occ.capabilities ?? {}) as AccountCapabilitiesRecord;
    // Before the strike's first step, the server is asked again what it offers; kept with the occupation.
    if (refresh && !occ.capabilities) {
      caps = await this.checks.refresh(occ.account, 'strike-start');
      await this.steps.saveCapabilities(occ.strike.id, occ.account.id, caps);
    }
    return { occ, adapter, conn, caps };
  }

  /**
   * Runs one step once: a finished step is not run again on a retry. A server lacking the feature
   * (a 404/405 on its route) makes it `unsupported` and the next steps go on; any other refusal, or
   * the last attempt of a transient failure, makes it `failed` with its error and the next steps go
   * on too; a transient failure before the last attempt is kept and retried with the job.
   */
  private async step(job: Job, ctx: Ctx, phase: StepPhase, step: StepName, run: () => Promise<Done | typeof WAIT>): Promise<StepResult | typeof WAIT> {
    const key = { organisationId: ctx.occ.strike.organisationId, strikeId: ctx.occ.strike.id, accountId: ctx.occ.account.id, phase, step };
    const current = await this.steps.outcome(key);
    if (current !== null && current !== 'pending') return { outcome: current, error: null };
    try {
      const done = await run();
      if (done === WAIT) return WAIT;
      await this.steps.finish(key, done.outcome, done.detail);
      return { outcome: done.outcome, error: null };
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const gap = featureGap(step, phase, err);
      if (gap) {
        await this.steps.finish(key, 'unsupported', `${gap.detail} (${message})`, message);
        await this.checks.learn(ctx.occ.account.id, gap.feature, { support: 'no', detail: message });
        return { outcome: 'unsupported', error: null };
      }
      const retryable = !(err instanceof NetworkError && (err.kind === 'auth' || err.kind === 'permanent'));
      if (retryable && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
        await this.steps.attemptFailed(key, message);
        throw err;
      }
      await this.steps.finish(key, 'failed', null, message);
      return { outcome: 'failed', error: message };
    }
  }

  /** Errors outside the steps (the account refused, a crash) propagate; the last attempt records them. */
  private async guard(job: Job, occ: OccupationRecord, phase: StepPhase, run: () => Promise<string>): Promise<string> {
    const { id: strikeId } = occ.strike;
    const accountId = occ.account.id;
    if (occ.account.status !== 'active') {
      return this.fail(occ, phase, `Account ${occ.account.handle} needs reconnecting`, new UnrecoverableError('account needs reconnecting'));
    }
    try {
      return await run();
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof NetworkError && (err.kind === 'auth' || err.kind === 'permanent');
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (permanent || last) return this.fail(occ, phase, message, permanent ? new UnrecoverableError(message) : err);
      await this.occupations.recordError(strikeId, accountId, message);
      throw err;
    }
  }

  private async fail(occ: OccupationRecord, phase: StepPhase, message: string, err: unknown): Promise<never> {
    const k = { organisationId: occ.strike.organisationId, strikeId: occ.strike.id, accountId: occ.account.id, phase };
    await this.steps.failPending(k, phase === 'occupy' ? OCCUPY_STEPS : RESTORE_STEPS, message);
    if (phase === 'occupy') await this.occupations.setOccupyState(occ.strike.id, occ.account.id, 'pending', 'failed', message);
    else await this.occupations.finishRestore(occ.strike.id, occ.account.id, 'failed', {}, message);
    throw err;
  }

  private async endUnfinishedOccupation(occ: OccupationRecord): Promise<void> {
    const k = { organisationId: occ.strike.organisationId, strikeId: occ.strike.id, accountId: occ.account.id, phase: 'occupy' as const };
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

  private mayPark({ adapter, caps }: Ctx): boolean {
    return adapter.capabilities.nativeScheduling && mayUse(caps, 'scheduledStatuses');
  }

  private async parkNative(ctx: Ctx): Promise<Done> {
    const { occ, adapter, conn } = ctx;
    if (!adapter.capabilities.nativeScheduling) return { outcome: 'skipped', detail: 'this network has no natively scheduled posts' };
    if (!mayUse(ctx.caps, 'scheduledStatuses')) {
      return { outcome: 'unsupported', detail: `the server has no scheduled posts (${ctx.caps['scheduledStatuses']?.detail}): nothing to move` };
    }
    const { strike } = occ;
    const parkAt = new Date(strike.endsAt.getTime() + PARK_MS);
    let parked = 0;
    for (const p of await adapter.listNativeScheduled(conn)) {
      if (p.scheduledAt >= strike.endsAt) continue;
      await this.occupations.recordNativeHold(strike.id, occ.account.id, p, parkAt);
      await adapter.rescheduleNative(conn, p.remoteId, parkAt);
      parked++;
    }
    return { outcome: 'done', detail: `${parked} natively scheduled post(s) moved out of the window` };
  }

  private async occupyProfile({ occ, adapter, conn, caps }: Ctx): Promise<Done> {
    const changes = occ.strike.mode === 'occupation' ? occ.strike.profile : null;
    if (!changes || occ.applied) return { outcome: changes ? 'done' : 'skipped', detail: changes ? 'profile occupied' : 'no profile change asked' };
    const wantsName = Boolean(changes.displayNamePrefix || changes.displayNameSuffix);
    const imagesOk = adapter.capabilities.profileImages && mayUse(caps, 'profileImages');
    const wantsAvatar = Boolean(changes.avatarMediaId && imagesOk);
    const wantsHeader = Boolean(changes.headerMediaId && imagesOk);
    const imagesLeft = Boolean((changes.avatarMediaId || changes.headerMediaId) && !imagesOk);
    if (!wantsName && changes.bio == null && !wantsAvatar && !wantsHeader) {
      return imagesLeft ? { outcome: 'unsupported', detail: 'the server takes no profile images: the profile was left as it is' } : { outcome: 'skipped', detail: 'no profile change asked' };
    }
    let before = occ.before;
    if (!before) {
      const current = await adapter.readProfile(conn);
      before = {
        ...(wantsName ? { displayName: current.displayName } : {}),
        ...(changes.bio != null ? { bio: current.bio } : {}),
        ...(wantsAvatar ? { avatarUrl: current.avatarUrl } : {}),
        ...(wantsHeader ? { headerUrl: current.headerUrl } : {}),
      };
      const images: { avatar?: ProfileImage; header?: ProfileImage } = {};
      if (wantsAvatar && current.avatarUrl) images.avatar = await adapter.fetchImage(conn, current.avatarUrl);
      if (wantsHeader && current.headerUrl) images.header = await adapter.fetchImage(conn, current.headerUrl);
      await this.occupations.saveBefore(occ.strike.id, occ.account.id, before, images);
    }
    const update: ProfileUpdate = {};
    if (wantsName) update.displayName = occupiedDisplayName(before.displayName ?? '', changes.displayNamePrefix, changes.displayNameSuffix);
    if (changes.bio != null) update.bio = changes.bio;
    if (wantsAvatar) update.avatar = await this.occupations.mediaImage(changes.avatarMediaId!);
    if (wantsHeader) update.header = await this.occupations.mediaImage(changes.headerMediaId!);
    const after = await adapter.updateProfile(conn, update);
    // Images are kept by the hash of what the server now serves (it may re-encode them, or keep one
    // URL and overwrite the file): a hand edit shows in the bytes at the end, not in the URL.
    const hash = async (url: string | null) => (url ? imageHash((await adapter.fetchImage(conn, url)).data) : null);
    const applied: ProfileSnapshot & { avatarHash?: string | null; headerHash?: string | null } = {
      ...(wantsName ? { displayName: after.displayName } : {}),
      ...(changes.bio != null ? { bio: after.bio } : {}),
      ...(wantsAvatar ? { avatarUrl: after.avatarUrl, avatarHash: await hash(after.avatarUrl) } : {}),
      ...(wantsHeader ? { headerUrl: after.headerUrl, headerHash: await hash(after.headerUrl) } : {}),
    };
    await this.occupations.saveApplied(occ.strike.id, occ.account.id, applied);
    const fields = Object.keys(update).join(', ');
    return { outcome: 'done', detail: imagesLeft ? `${fields} occupied; the server takes no profile images, so they were left as they are` : `${fields} occupied` };
  }

  /** WAIT while the opening post is still on its way. */
  private async pinOpening({ occ, adapter, conn, caps }: Ctx): Promise<Done | typeof WAIT> {
    const changes = occ.strike.profile;
    if (occ.strike.mode !== 'occupation' || !changes?.pinOpening) return { outcome: 'skipped', detail: 'no pin asked' };
    if (occ.pinnedRemoteId) return { outcome: 'done', detail: `post ${occ.pinnedRemoteId} pinned` };
    if (!adapter.capabilities.pin || !mayUse(caps, 'pin')) {
      return { outcome: 'unsupported', detail: 'the server cannot pin posts: the opening post was published unpinned' };
    }
    const opening = await this.occupations.openingDelivery(occ.strike.id, occ.account.id);
    if (!opening) return { outcome: 'skipped', detail: 'no opening post on this account' };
    if (opening.state === 'scheduled' || opening.state === 'publishing') return WAIT;
    if (opening.state !== 'published' || !opening.remoteId) return { outcome: 'skipped', detail: `the opening post was not published (${opening.state})` };
    await adapter.pin(conn, opening.remoteId);
    await this.occupations.savePinned(occ.strike.id, occ.account.id, opening.remoteId);
    return { outcome: 'done', detail: `post ${opening.remoteId} pinned` };
  }

  private async releaseNative({ occ, adapter, conn }: Ctx, report: Record<string, string>): Promise<Done> {
    const { strike } = occ;
    const held = await this.occupations.pendingNativeHolds(strike.id, occ.account.id);
    if (held.length === 0) return { outcome: 'skipped', detail: 'no natively scheduled post was parked' };
    // The same fates as the strike's own queue (domain/planner.ts), counted from the first instant the instance accepts.
    const earliest = new Date(this.clock.now().getTime() + NATIVE_MIN_LEAD_MS);
    const policy = strike.heldPolicy;
    const times =
      policy === 'resume' || policy === 'shift'
        ? returnTimes(
            policy,
            held.map((h) => ({ id: h.remoteId, accountId: occ.account.id, at: h.originalScheduledAt })),
            { at: earliest, lengthMs: strikeLengthMs(strike), resumeSpacingMs: strike.resumeSpacingSeconds * 1000 },
          )
        : null;
    for (const h of held) {
      switch (policy) {
        case 'resume':
        case 'shift': {
          const at = times!.get(h.remoteId)!;
          await adapter.rescheduleNative(conn, h.remoteId, at);
          await this.occupations.setNativeFate(h.id, policy === 'resume' ? 'resumed' : 'shifted', at);
          break;
        }
        case 'drop':
          await adapter.deleteNative(conn, h.remoteId);
          await this.occupations.setNativeFate(h.id, 'dropped', null);
          break;
        case 'review':
          await this.occupations.setNativeFate(h.id, 'review', null);
          break;
      }
    }
    report['nativeScheduled'] = `${held.length} ${strike.heldPolicy === 'review' ? 'left parked for review' : strike.heldPolicy}`;
    return { outcome: 'done', detail: report['nativeScheduled'] };
  }

  /**
   * Puts back each field Piquet changed, unless someone changed it again during the strike: text
   * by value, images by the hash of their bytes (a server may keep one URL and overwrite the file).
   */
  private async restoreProfile(job: Job, ctx: Ctx, report: Record<string, string>): Promise<(StepResult | typeof WAIT)[]> {
    const { occ, adapter, conn } = ctx;
    const applied = occ.applied as (ProfileSnapshot & { avatarHash?: string | null; headerHash?: string | null }) | null;
    const { before } = occ;
    const results: (StepResult | typeof WAIT)[] = [];
    const touched = FIELDS.filter((f) => applied && before && f.key in applied);
    for (const f of FIELDS.filter((f) => !touched.includes(f))) {
      results.push(await this.step(job, ctx, 'restore', f.step, async () => ({ outcome: 'skipped', detail: 'Piquet did not change it' })));
    }
    if (!applied || !before || touched.length === 0) return results;
    let current: ProfileState | null = null;
    const update: ProfileUpdate = {};
    const restoring: (typeof FIELDS)[number][] = [];
    for (const f of touched) {
      results.push(
        await this.step(job, ctx, 'restore', f.step, async () => {
          current ??= await adapter.readProfile(conn);
          if (await this.editedByHand(ctx, f.key, current, applied)) {
            report[f.label] = 'left as edited during the strike';
            return { outcome: 'edited-by-hand', detail: `${f.label} was changed by hand during the strike: left as it is` };
          }
          if (f.key === 'displayName') update.displayName = before.displayName ?? '';
          if (f.key === 'bio') update.bio = before.bio ?? '';
          if (f.key === 'avatarUrl') update.avatar = occ.avatarBefore;
          if (f.key === 'headerUrl') update.header = occ.headerBefore;
          restoring.push(f);
          // Written below, in one update for every field put back.
          return WAIT;
        }),
      );
    }
    if (restoring.length === 0) return results.filter((r) => r !== WAIT);
    const k = { organisationId: occ.strike.organisationId, strikeId: occ.strike.id, accountId: occ.account.id, phase: 'restore' as const };
    const kept = results.filter((r) => r !== WAIT);
    try {
      await adapter.updateProfile(conn, update);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const retryable = !(err instanceof NetworkError && (err.kind === 'auth' || err.kind === 'permanent'));
      if (retryable && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
        for (const f of restoring) await this.steps.attemptFailed({ ...k, step: f.step }, message);
        throw err;
      }
      for (const f of restoring) {
        report[f.label] = 'failed';
        await this.steps.finish({ ...k, step: f.step }, 'failed', null, message);
        kept.push({ outcome: 'failed', error: message });
      }
      return kept;
    }
    for (const f of restoring) {
      report[f.label] = 'restored';
      await this.steps.finish({ ...k, step: f.step }, 'done', `${f.label} put back as it was before the strike`);
      kept.push({ outcome: 'done', error: null });
    }
    return kept;
  }

  /** Text by value; an image by its bytes' hash where Piquet kept one (else by URL). */
  private async editedByHand(ctx: Ctx, key: (typeof FIELDS)[number]['key'], current: ProfileState, applied: ProfileSnapshot & { avatarHash?: string | null; headerHash?: string | null }): Promise<boolean> {
    if (key === 'displayName' || key === 'bio') return current[key] !== applied[key];
    const hashKey = key === 'avatarUrl' ? 'avatarHash' : 'headerHash';
    if (!(hashKey in applied)) return current[key] !== applied[key];
    const url = current[key];
    if (!url) return applied[hashKey] !== null;
    return imageHash((await ctx.adapter.fetchImage(ctx.conn, url)).data) !== applied[hashKey];
  }
}

type StepResult = { outcome: StepOutcome; error: string | null };

/** A phase is done when no step failed, partial when some did, failed when every step that ran failed. */
function phaseState(results: (StepResult | typeof WAIT)[]): 'done' | 'partial' | 'failed' {
  const ran = results.filter((r): r is StepResult => r !== WAIT && r.outcome !== 'skipped');
  const failed = ran.filter((r) => r.outcome === 'failed').length;
  if (failed === 0) return 'done';
  return failed === ran.length ? 'failed' : 'partial';
}

function lastFailure(results: (StepResult | typeof WAIT)[]): string | null {
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
