import { Injectable } from '@nestjs/common';
import type { AccountRecord } from '#domain/models.js';
import type { StrikeRecord } from '../domain/strike.js';
import type { ProfileState } from '#networks/network-adapter.js';
import type { Prisma } from '#database/generated/client.js';
import { toAccount } from '#database/mappers.js';
import { PrismaService } from '#database/prisma.service.js';
import { STRIKE_INCLUDE, toStrike } from './strike-mappers.js';

/** Profile fields as Piquet recorded them (before the strike, or as it set them). */
export type ProfileSnapshot = Partial<ProfileState>;

export interface OccupationRecord {
  strike: StrikeRecord;
  account: AccountRecord;
  occupyState: string;
  restoreState: string | null;
  before: ProfileSnapshot | null;
  applied: ProfileSnapshot | null;
  avatarBefore: { data: Uint8Array; mimeType: string } | null;
  headerBefore: { data: Uint8Array; mimeType: string } | null;
  pinnedRemoteId: string | null;
  /** The account's capabilities as checked when the strike started; null until then. */
  capabilities: Record<string, { support: string; detail: string }> | null;
}

export interface NativeHoldRecord {
  id: string;
  remoteId: string;
  originalScheduledAt: Date;
  fate: string;
}

const json = (v: unknown) => v as Prisma.InputJsonValue;

/** Per account of a strike: what was parked, what the profile was, what Piquet changed and put back. */
@Injectable()
export class OccupationsRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async load(strikeId: string, accountId: string): Promise<OccupationRecord | null> {
    const row = await this.db.accountOccupation.findUnique({
      where: { strikeId_accountId: { strikeId, accountId } },
      include: { strike: { include: STRIKE_INCLUDE } },
    });
    if (!row) return null;
    const account = await this.db.account.findUniqueOrThrow({ where: { id: accountId } });
    return {
      strike: toStrike(row.strike),
      account: toAccount(account),
      occupyState: row.occupyState,
      restoreState: row.restoreState,
      before: row.before as ProfileSnapshot | null,
      applied: row.applied as ProfileSnapshot | null,
      avatarBefore: row.avatarBefore && row.avatarMime ? { data: row.avatarBefore, mimeType: row.avatarMime } : null,
      headerBefore: row.headerBefore && row.headerMime ? { data: row.headerBefore, mimeType: row.headerMime } : null,
      pinnedRemoteId: row.pinnedRemoteId,
      capabilities: row.capabilities as OccupationRecord['capabilities'],
    };
  }

  private update(strikeId: string, accountId: string, data: Prisma.AccountOccupationUpdateInput) {
    return this.db.accountOccupation.update({ where: { strikeId_accountId: { strikeId, accountId } }, data });
  }

  async saveBefore(
    strikeId: string,
    accountId: string,
    before: ProfileSnapshot,
    images: { avatar?: { data: Uint8Array; mimeType: string }; header?: { data: Uint8Array; mimeType: string } },
  ): Promise<void> {
    await this.update(strikeId, accountId, {
      before: json(before),
      avatarBefore: images.avatar ? (images.avatar.data as Uint8Array<ArrayBuffer>) : null,
      avatarMime: images.avatar?.mimeType ?? null,
      headerBefore: images.header ? (images.header.data as Uint8Array<ArrayBuffer>) : null,
      headerMime: images.header?.mimeType ?? null,
    });
  }

  async saveApplied(strikeId: string, accountId: string, applied: ProfileSnapshot): Promise<void> {
    await this.update(strikeId, accountId, { applied: json(applied) });
  }

  async savePinned(strikeId: string, accountId: string, remoteId: string): Promise<void> {
    await this.update(strikeId, accountId, { pinnedRemoteId: remoteId });
  }

  /** Conditional, so a late occupation cannot overwrite a restoration that skipped it. */
  async setOccupyState(strikeId: string, accountId: string, from: string, to: string, lastError: string | null = null): Promise<boolean> {
    const { count } = await this.db.accountOccupation.updateMany({
      where: { strikeId, accountId, occupyState: from },
      data: { occupyState: to, ...(lastError !== null && { lastError }) },
    });
    return count === 1;
  }

  /** The last error stays unless a new one is given: an occupation's failure is not erased by the end. */
  async finishRestore(strikeId: string, accountId: string, state: 'done' | 'partial' | 'failed', report: Record<string, string>, lastError: string | null = null): Promise<void> {
    await this.update(strikeId, accountId, { restoreState: state, report: json(report), ...(lastError !== null && { lastError }) });
  }

  async recordError(strikeId: string, accountId: string, lastError: string): Promise<void> {
    await this.update(strikeId, accountId, { lastError });
  }

  /** The opening post's delivery on this account: pinned once it is out. */
  async openingDelivery(strikeId: string, accountId: string): Promise<{ state: string; remoteId: string | null } | null> {
    return this.db.delivery.findFirst({
      where: { strikeId, accountId, post: { strikeRole: 'opening' } },
      select: { state: true, remoteId: true },
      orderBy: { createdAt: 'desc' },
    });
  }

  /** Recorded before the network call that parks it, so a crash in between loses nothing. */
  async recordNativeHold(strikeId: string, accountId: string, p: { remoteId: string; scheduledAt: Date; text: string }, parkedAt: Date): Promise<void> {
    await this.db.nativeHold.upsert({
      where: { strikeId_accountId_remoteId: { strikeId, accountId, remoteId: p.remoteId } },
      create: { strikeId, accountId, remoteId: p.remoteId, originalScheduledAt: p.scheduledAt, parkedAt, text: p.text.slice(0, 5000) },
      update: {},
    });
  }

  async pendingNativeHolds(strikeId: string, accountId: string): Promise<NativeHoldRecord[]> {
    return this.db.nativeHold.findMany({
      where: { strikeId, accountId, fate: 'pending' },
      orderBy: [{ originalScheduledAt: 'asc' }, { remoteId: 'asc' }],
      select: { id: true, remoteId: true, originalScheduledAt: true, fate: true },
    });
  }

  async setNativeFate(id: string, fate: 'resumed' | 'shifted' | 'dropped' | 'review', newScheduledAt: Date | null, at: Date): Promise<void> {
    await this.db.nativeHold.update({ where: { id }, data: { fate, fateAt: at, newScheduledAt, lastError: null } });
  }

  /** Occupations that still wait for their job: the strike clock re-adds them if Redis lost it. */
  async waiting(): Promise<{ occupy: { strikeId: string; accountId: string }[]; restore: { strikeId: string; accountId: string }[] }> {
    const [occupy, restore] = await Promise.all([
      this.db.accountOccupation.findMany({ where: { occupyState: 'pending', strike: { state: 'running' } }, select: { strikeId: true, accountId: true } }),
      this.db.accountOccupation.findMany({ where: { restoreState: 'pending' }, select: { strikeId: true, accountId: true } }),
    ]);
    return { occupy, restore };
  }

  /** Accounts of running strikes whose occupation is done: their native schedule is watched. */
  async occupied(): Promise<{ strikeId: string; accountId: string }[]> {
    return this.db.accountOccupation.findMany({
      where: { occupyState: { in: ['done', 'partial'] }, strike: { state: 'running' } },
      select: { strikeId: true, accountId: true },
    });
  }

  async mediaImage(mediaId: string): Promise<{ data: Uint8Array; mimeType: string }> {
    const m = await this.db.media.findUniqueOrThrow({ where: { id: mediaId }, select: { data: true, mimeType: true } });
    return { data: m.data, mimeType: m.mimeType };
  }
}
