import { Injectable } from '@nestjs/common';
import { PrismaService } from '#database/prisma.service.js';
import { VOTING_ROLES, type VoteChoice } from '#strikes/domain/strike.js';

export interface OpenMotionRecord {
  id: string;
  kind: string;
  strikeId: string;
  strikeTitle: string;
  openedAt: Date;
  closesAt: Date | null;
  ballot: 'named' | 'secret';
  decisionKind: 'votes' | 'assembly';
  /** The caller's own choice on a named ballot; null on a secret one (it is sealed). */
  myVote: VoteChoice | null;
  hasVoted: boolean;
  votedCount: number;
  eligibleCount: number;
}

// Strikes no motion can change any more: their open motions wait for nobody.
const FINISHED = ['rejected', 'ended', 'cancelled'] as const;

/** The motions a member may act on now: open, on a strike that can still change. */
@Injectable()
export class MotionsRepository {
  constructor(private readonly prisma: PrismaService) {}

  private get db() {
    return this.prisma.client;
  }

  async open(organisationId: string, memberId: string): Promise<OpenMotionRecord[]> {
    const [rows, voters] = await Promise.all([
      this.db.motion.findMany({
        where: { organisationId, status: 'open', strike: { state: { notIn: [...FINISHED] } } },
        include: { strike: { select: { title: true } }, votes: { select: { memberId: true, choice: true } } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
      this.db.member.findMany({ where: { organisationId, removedAt: null, role: { in: [...VOTING_ROLES] } }, select: { id: true } }),
    ]);
    const eligible = new Set(voters.map((v) => v.id));
    return rows.map((m) => {
      const mine = m.votes.find((v) => v.memberId === memberId);
      return {
        id: m.id,
        kind: m.kind,
        strikeId: m.strikeId,
        strikeTitle: m.strike.title,
        openedAt: m.createdAt,
        closesAt: m.closesAt,
        ballot: m.ballot,
        decisionKind: m.decisionKind,
        myVote: m.ballot === 'secret' ? null : (mine?.choice ?? null),
        hasVoted: mine !== undefined,
        votedCount: m.votes.filter((v) => eligible.has(v.memberId)).length,
        eligibleCount: eligible.size,
      };
    });
  }

  /** Open motions decided by votes in Piquet that still wait for this member's vote (the app's banner). */
  async pendingCount(organisationId: string, memberId: string, now: Date): Promise<number> {
    const member = await this.db.member.findFirst({ where: { id: memberId, removedAt: null }, select: { role: true } });
    if (!member || !(VOTING_ROLES as readonly string[]).includes(member.role)) return 0;
    return this.db.motion.count({
      where: {
        organisationId,
        status: 'open',
        decisionKind: 'votes',
        OR: [{ closesAt: null }, { closesAt: { gt: now } }],
        strike: { state: { notIn: [...FINISHED] } },
        votes: { none: { memberId } },
      },
    });
  }
}
