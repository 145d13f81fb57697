import { Injectable } from '@nestjs/common';
import { PrismaService } from '#database/prisma.service.js';

/** The Postgres side of /metrics: counts by state, read with grouped scans at scrape time. */
@Injectable()
export class MetricsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async deliveriesByState(): Promise<{ state: string; count: number }[]> {
    const rows = await this.prisma.client.delivery.groupBy({ by: ['state'], _count: { _all: true } });
    return rows.map((r) => ({ state: r.state, count: r._count._all }));
  }

  /** Pending holds of strikes that are running or approved (the ones still holding posts). */
  async pendingHoldsByStrike(): Promise<{ strikeId: string; count: number }[]> {
    const rows = await this.prisma.client.$queryRaw<{ strike_id: string; count: bigint }[]>`
      SELECT h.strike_id::text AS strike_id, count(*) AS count FROM holds h
      JOIN strikes s ON s.id = h.strike_id
      WHERE h.fate = 'pending' AND s.state IN ('approved', 'running')
      GROUP BY h.strike_id`;
    return rows.map((r) => ({ strikeId: r.strike_id, count: Number(r.count) }));
  }

  async strikesByState(): Promise<{ state: string; count: number }[]> {
    const rows = await this.prisma.client.strike.groupBy({ by: ['state'], _count: { _all: true } });
    return rows.map((r) => ({ state: r.state, count: r._count._all }));
  }
}
