import { Injectable } from '@nestjs/common';
import type { Prisma } from '#database/generated/client.js';
import { recordAudit } from '#database/audit.repository.js';
import { PrismaService } from '#database/prisma.service.js';

export type StepPhase = 'occupy' | 'restore';
/** occupy: native-scheduled, profile, pin; restore: native-scheduled, display-name, bio, avatar, header, unpin. */
export type StepName = 'native-scheduled' | 'profile' | 'pin' | 'display-name' | 'bio' | 'avatar' | 'header' | 'unpin';
/**
 * pending: not finished (a retry comes); done; skipped: nothing to do; unsupported: the server lacks
 * the feature (the detail says what was done instead); edited-by-hand: left as a person set it;
 * failed: given up, with its last error.
 */
export type StepOutcome = 'pending' | 'done' | 'skipped' | 'unsupported' | 'edited-by-hand' | 'failed';

export interface StepKey {
  organisationId: string;
  strikeId: string;
  accountId: string;
  phase: StepPhase;
  step: StepName;
}

const FINAL_AUDITED = new Set<StepOutcome>(['unsupported', 'edited-by-hand', 'failed']);

/**
 * Each occupation and restoration step of a strike on an account, and how it ended (occupation_steps).
 * A step's outcome is written when it ends, with an audit entry when it did not simply succeed, so a
 * failure or a feature gap stays visible after the strike: live view, report, audit trail.
 */
@Injectable()
export class OccupationStepsRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  private where(k: StepKey) {
    return { strikeId_accountId_phase_step: { strikeId: k.strikeId, accountId: k.accountId, phase: k.phase, step: k.step } };
  }

  /** The step's current outcome (null: never tried). */
  async outcome(k: StepKey): Promise<StepOutcome | null> {
    const row = await this.db.occupationStep.findUnique({ where: this.where(k), select: { outcome: true } });
    return (row?.outcome as StepOutcome | undefined) ?? null;
  }

  /** An attempt failed and will be retried: the error is kept, the outcome stays pending. */
  async attemptFailed(k: StepKey, error: string): Promise<void> {
    await this.db.occupationStep.upsert({
      where: this.where(k),
      create: { strikeId: k.strikeId, accountId: k.accountId, phase: k.phase, step: k.step, outcome: 'pending', lastError: error, attempts: 1 },
      update: { lastError: error, attempts: { increment: 1 } },
    });
  }

  /** The step's final outcome; audited unless it simply went as planned. The last error stays. */
  async finish(k: StepKey, outcome: Exclude<StepOutcome, 'pending'>, detail: string | null, error: string | null = null): Promise<void> {
    await this.db.$transaction(async (tx: Prisma.TransactionClient) => {
      await tx.occupationStep.upsert({
        where: this.where(k),
        create: { strikeId: k.strikeId, accountId: k.accountId, phase: k.phase, step: k.step, outcome, detail, lastError: error, attempts: 1 },
        update: { outcome, detail, ...(error !== null && { lastError: error }), attempts: { increment: 1 } },
      });
      if (FINAL_AUDITED.has(outcome)) {
        await recordAudit(tx, {
          organisationId: k.organisationId,
          action: `occupation.${k.phase}.${outcome}`,
          actorId: null,
          strikeId: k.strikeId,
          detail: { accountId: k.accountId, step: k.step, detail, ...(error !== null && { error }) },
        });
      }
    });
  }

  /** Every step still pending when its phase gave up: failed, with the phase's error. */
  async failPending(k: Omit<StepKey, 'step'>, steps: StepName[], error: string): Promise<void> {
    for (const step of steps) {
      const current = await this.outcome({ ...k, step });
      if (current === null || current === 'pending') await this.finish({ ...k, step }, 'failed', null, error);
    }
  }

  /** The account's capabilities as checked when the strike started, kept with its occupation. */
  async saveCapabilities(strikeId: string, accountId: string, capabilities: Record<string, { support: string; detail: string }>): Promise<void> {
    await this.db.accountOccupation.update({
      where: { strikeId_accountId: { strikeId, accountId } },
      data: { capabilities: JSON.parse(JSON.stringify(capabilities)) as Prisma.InputJsonValue },
    });
  }
}
