import { Inject, Injectable } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/config.js';
import { AccountConnections } from '../../../../libs/networks/account-connections.js';
import { OccupationsRepository, type OccupationRecord, type ProfileSnapshot } from '../../../../libs/database/occupations.repository.js';
import type { AccountOccupationJob } from '../../../../libs/queue/contracts.js';
import { NetworkError } from '../../../../libs/networks/errors.js';
import type { AccountConnection, NetworkAdapter, ProfileImage, ProfileUpdate } from '../../../../libs/networks/network-adapter.js';
import { NetworkRegistry } from '../../../../libs/networks/network-registry.js';
import { NATIVE_MIN_LEAD_MS, occupiedDisplayName } from '../../../../libs/strikes/planner.js';

/** Natively scheduled posts due in the window wait this far out until the strike's end gives them their fate. */
const PARK_MS = 365 * 24 * 3600_000;
const PIN_WAIT_MS = 2000;

type Ctx = { occ: OccupationRecord; adapter: NetworkAdapter; conn: AccountConnection };

/**
 * One account of a strike, at the start (park natively scheduled posts, occupy the profile, pin the
 * opening post) and at the end (give the parked posts their fate, put the profile back field by
 * field, unpin). Each step records its progress first, so a retry resumes instead of repeating.
 */
@Injectable()
export class OccupationProcessor {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly occupations: OccupationsRepository,
    private readonly networks: NetworkRegistry,
    private readonly connections: AccountConnections,
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
      const ctx = await this.context(occ);
      await this.parkNative(ctx);
      await this.occupyProfile(ctx);
      if (!(await this.pinOpening(ctx))) {
        await job.moveToDelayed(Date.now() + PIN_WAIT_MS, token);
        throw new DelayedError();
      }
      await this.occupations.setOccupyState(strikeId, accountId, 'pending', 'done');
      return 'occupied';
    });
  }

  /** Parks what other tools scheduled into the window since the last look. */
  async rescan(job: Job<AccountOccupationJob>): Promise<string> {
    const { strikeId, accountId } = job.data;
    const occ = await this.occupations.load(strikeId, accountId);
    if (!occ || occ.strike.state !== 'running' || occ.account.status !== 'active') return 'skipped';
    await this.parkNative(await this.context(occ));
    return 'rescanned';
  }

  async restore(job: Job<AccountOccupationJob>): Promise<string> {
    const { strikeId, accountId } = job.data;
    const occ = await this.occupations.load(strikeId, accountId);
    if (!occ || occ.restoreState !== 'pending') return 'skipped';
    // An occupation that never ran (the strike ended first) has nothing to undo.
    if (occ.occupyState === 'pending') await this.occupations.setOccupyState(strikeId, accountId, 'pending', 'skipped');
    return this.guard(job, occ, 'restore', async () => {
      const ctx = await this.context(occ);
      const report: Record<string, string> = {};
      await this.releaseNative(ctx, report);
      await this.restoreProfile(ctx, report);
      if (occ.pinnedRemoteId) {
        await ctx.adapter.unpin(ctx.conn, occ.pinnedRemoteId);
        report['pin'] = 'unpinned';
      }
      await this.occupations.finishRestore(strikeId, accountId, 'done', report);
      return 'restored';
    });
  }

  private async context(occ: OccupationRecord): Promise<Ctx> {
    const adapter = this.networks.get(occ.account.network);
    return { occ, adapter, conn: await this.connections.open(occ.account) };
  }

  /** Errors propagate for BullMQ to retry; the last attempt, or a refused token, records the failure. */
  private async guard(job: Job, occ: OccupationRecord, step: 'occupy' | 'restore', run: () => Promise<string>): Promise<string> {
    const { id: strikeId } = occ.strike;
    const accountId = occ.account.id;
    if (occ.account.status !== 'active') {
      return this.fail(step, strikeId, accountId, `Account ${occ.account.handle} needs reconnecting`, new UnrecoverableError('account needs reconnecting'));
    }
    try {
      return await run();
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof NetworkError && (err.kind === 'auth' || err.kind === 'permanent');
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (permanent || last) return this.fail(step, strikeId, accountId, message, permanent ? new UnrecoverableError(message) : err);
      await this.occupations.recordError(strikeId, accountId, message);
      throw err;
    }
  }

  private async fail(step: 'occupy' | 'restore', strikeId: string, accountId: string, message: string, err: unknown): Promise<never> {
    if (step === 'occupy') await this.occupations.setOccupyState(strikeId, accountId, 'pending', 'failed', message);
    else await this.occupations.finishRestore(strikeId, accountId, 'failed', {}, message);
    throw err;
  }

  private async parkNative({ occ, adapter, conn }: Ctx): Promise<void> {
    if (!adapter.capabilities.nativeScheduling) return;
    const { strike } = occ;
    const parkAt = new Date(strike.endsAt.getTime() + PARK_MS);
    for (const p of await adapter.listNativeScheduled(conn)) {
      if (p.scheduledAt >= strike.endsAt) continue;
      await this.occupations.recordNativeHold(strike.id, occ.account.id, p, parkAt);
      await adapter.rescheduleNative(conn, p.remoteId, parkAt);
    }
  }

  private async occupyProfile({ occ, adapter, conn }: Ctx): Promise<void> {
    const changes = occ.strike.mode === 'occupation' ? occ.strike.profile : null;
    if (!changes || occ.applied) return;
    const wantsName = Boolean(changes.displayNamePrefix || changes.displayNameSuffix);
    const wantsAvatar = Boolean(changes.avatarMediaId && adapter.capabilities.profileImages);
    const wantsHeader = Boolean(changes.headerMediaId && adapter.capabilities.profileImages);
    if (!wantsName && changes.bio == null && !wantsAvatar && !wantsHeader) return;
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
    const applied: ProfileSnapshot = {
      ...(wantsName ? { displayName: after.displayName } : {}),
      ...(changes.bio != null ? { bio: after.bio } : {}),
      ...(wantsAvatar ? { avatarUrl: after.avatarUrl } : {}),
      ...(wantsHeader ? { headerUrl: after.headerUrl } : {}),
    };
    await this.occupations.saveApplied(occ.strike.id, occ.account.id, applied);
  }

  /** False while the opening post is still on its way. */
  private async pinOpening({ occ, adapter, conn }: Ctx): Promise<boolean> {
    const changes = occ.strike.profile;
    if (occ.strike.mode !== 'occupation' || !changes?.pinOpening || !adapter.capabilities.pin || occ.pinnedRemoteId) return true;
    const opening = await this.occupations.openingDelivery(occ.strike.id, occ.account.id);
    if (!opening) return true;
    if (opening.state === 'scheduled' || opening.state === 'publishing') return false;
    if (opening.state !== 'published' || !opening.remoteId) return true;
    await adapter.pin(conn, opening.remoteId);
    await this.occupations.savePinned(occ.strike.id, occ.account.id, opening.remoteId);
    return true;
  }

  private async releaseNative({ occ, adapter, conn }: Ctx, report: Record<string, string>): Promise<void> {
    const { strike } = occ;
    const held = await this.occupations.pendingNativeHolds(strike.id, occ.account.id);
    const earliest = Date.now() + NATIVE_MIN_LEAD_MS;
    const length = strike.endsAt.getTime() - (strike.effectiveFrom ?? strike.startsAt).getTime();
    let next = earliest;
    for (const h of held) {
      switch (strike.heldPolicy) {
        case 'resume': {
          const at = new Date(Math.max(next, h.originalScheduledAt.getTime()));
          await adapter.rescheduleNative(conn, h.remoteId, at);
          await this.occupations.setNativeFate(h.id, 'resumed', at);
          next = at.getTime() + strike.resumeSpacingSeconds * 1000;
          break;
        }
        case 'shift': {
          const at = new Date(Math.max(earliest, h.originalScheduledAt.getTime() + length));
          await adapter.rescheduleNative(conn, h.remoteId, at);
          await this.occupations.setNativeFate(h.id, 'shifted', at);
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
    if (held.length > 0) report['nativeScheduled'] = `${held.length} ${strike.heldPolicy === 'review' ? 'left parked for review' : strike.heldPolicy}`;
  }

  /** Puts back each field Piquet changed, unless someone changed it again by hand during the strike. */
  private async restoreProfile({ occ, adapter, conn }: Ctx, report: Record<string, string>): Promise<void> {
    const { applied, before } = occ;
    if (!applied || !before) return;
    const current = await adapter.readProfile(conn);
    const update: ProfileUpdate = {};
    const fields = [
      { key: 'displayName', label: 'displayName', put: () => (update.displayName = before.displayName ?? '') },
      { key: 'bio', label: 'bio', put: () => (update.bio = before.bio ?? '') },
      { key: 'avatarUrl', label: 'avatar', put: () => (update.avatar = occ.avatarBefore) },
      { key: 'headerUrl', label: 'header', put: () => (update.header = occ.headerBefore) },
    ] as const;
    for (const f of fields) {
      if (!(f.key in applied)) continue;
      if (current[f.key] !== applied[f.key]) {
        report[f.label] = 'left as edited during the strike';
      } else {
        f.put();
        report[f.label] = 'restored';
      }
    }
    if (Object.keys(update).length > 0) await adapter.updateProfile(conn, update);
  }
}
