import { Injectable } from '@nestjs/common';
import { PrismaService } from '#database/prisma.service.js';

export interface MediaRecord {
  id: string;
  mimeType: string;
  byteSize: number;
  createdAt: Date;
}

@Injectable()
export class MediaRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(organisationId: string, mimeType: string, data: Uint8Array<ArrayBuffer>): Promise<MediaRecord> {
    return this.prisma.client.media.create({
      data: { organisationId, mimeType, byteSize: data.byteLength, data },
      select: { id: true, mimeType: true, byteSize: true, createdAt: true },
    });
  }

  /** The ids among those given that belong to the organisation. */
  async existing(organisationId: string, ids: string[]): Promise<Map<string, MediaRecord>> {
    const rows = await this.prisma.client.media.findMany({
      where: { organisationId, id: { in: ids } },
      select: { id: true, mimeType: true, byteSize: true, createdAt: true },
    });
    return new Map(rows.map((r) => [r.id, r]));
  }
}
