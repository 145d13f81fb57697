import { mayUse } from '#networks/account-capabilities.js';
import { imageHash } from '#networks/image-hash.js';
import type { ProfileImage, ProfileState, ProfileUpdate } from '#networks/network-adapter.js';
import { occupiedDisplayName } from '../domain/planner.js';
import type { OccupationsRepository, ProfileSnapshot } from '../persistence/occupations.repository.js';
import type { OccupationStepsRepository } from '../persistence/occupation-steps.repository.js';
import { isPermanent, messageOf, stepKey, WAIT, type Done, type OccupationContext, type StepResult, type StepRunner, type Wait } from './occupation-steps.js';

const FIELDS = [
  { key: 'displayName', step: 'display-name', label: 'displayName' },
  { key: 'bio', step: 'bio', label: 'bio' },
  { key: 'avatarUrl', step: 'avatar', label: 'avatar' },
  { key: 'headerUrl', step: 'header', label: 'header' },
] as const;

/** What Piquet set, with images kept by the hash of the bytes the server served back. */
type Applied = ProfileSnapshot & { avatarHash?: string | null; headerHash?: string | null };

/**
 * The profile during a strike (docs/strikes.md rule 6): occupied at the start (name, bio, images,
 * the opening post pinned), put back at the end field by field, unless a person changed a field by
 * hand meanwhile: that one is left alone and reported.
 */
export class ProfileOccupation {
  constructor(
    private readonly occupations: OccupationsRepository,
    private readonly steps: OccupationStepsRepository,
    private readonly runner: StepRunner,
  ) {}

  async occupy({ occ, adapter, conn, caps }: OccupationContext): Promise<Done> {
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
    const applied: Applied = {
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
  async pinOpening({ occ, adapter, conn, caps }: OccupationContext): Promise<Done | Wait> {
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

  async unpin({ occ, adapter, conn }: OccupationContext, report: Record<string, string>): Promise<Done> {
    if (!occ.pinnedRemoteId) return { outcome: 'skipped', detail: 'nothing was pinned' };
    await adapter.unpin(conn, occ.pinnedRemoteId);
    report['pin'] = 'unpinned';
    return { outcome: 'done', detail: `post ${occ.pinnedRemoteId} unpinned` };
  }

  /**
   * Puts back each field Piquet changed, unless someone changed it again during the strike: text
   * by value, images by the hash of their bytes (a server may keep one URL and overwrite the file).
   * Every field put back goes in one update.
   */
  async restore(ctx: OccupationContext, report: Record<string, string>): Promise<(StepResult | Wait)[]> {
    const { occ, adapter, conn } = ctx;
    const applied = occ.applied as Applied | null;
    const { before } = occ;
    const results: (StepResult | Wait)[] = [];
    const touched = FIELDS.filter((f) => applied && before && f.key in applied);
    for (const f of FIELDS.filter((f) => !touched.includes(f))) {
      results.push(await this.runner.run(ctx, 'restore', f.step, async () => ({ outcome: 'skipped', detail: 'Piquet did not change it' })));
    }
    if (!applied || !before || touched.length === 0) return results;
    let current: ProfileState | null = null;
    const update: ProfileUpdate = {};
    const restoring: (typeof FIELDS)[number][] = [];
    for (const f of touched) {
      results.push(
        await this.runner.run(ctx, 'restore', f.step, async () => {
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
    const k = stepKey(ctx, 'restore');
    const kept = results.filter((r) => r !== WAIT);
    try {
      await adapter.updateProfile(conn, update);
    } catch (err) {
      const message = messageOf(err);
      if (!isPermanent(err) && !ctx.attempt.last) {
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
  private async editedByHand(ctx: OccupationContext, key: (typeof FIELDS)[number]['key'], current: ProfileState, applied: Applied): Promise<boolean> {
    if (key === 'displayName' || key === 'bio') return current[key] !== applied[key];
    const hashKey = key === 'avatarUrl' ? 'avatarHash' : 'headerHash';
    if (!(hashKey in applied)) return current[key] !== applied[key];
    const url = current[key];
    if (!url) return applied[hashKey] !== null;
    return imageHash((await ctx.adapter.fetchImage(ctx.conn, url)).data) !== applied[hashKey];
  }
}
