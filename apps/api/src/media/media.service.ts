import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '#config/config.js';
import type { Caller } from '#domain/models.js';
import { invalidField } from '../common/errors.js';
import { MediaRepository, type MediaRecord } from './media.repository.js';

/** Images are recognised by their first bytes, not by the name or type the client claims. */
const SIGNATURES: [string, (b: Uint8Array) => boolean][] = [
  ['image/png', (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/gif', (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46],
  ['image/webp', (b) => Buffer.from(b.subarray(0, 4)).toString() === 'RIFF' && Buffer.from(b.subarray(8, 12)).toString() === 'WEBP'],
];

@Injectable()
export class MediaService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: MediaRepository,
  ) {}

  async upload(caller: Caller, file: { buffer: Buffer; size: number } | undefined): Promise<MediaRecord> {
    if (!file || file.size === 0) throw invalidField('file', 'is required: send an image as multipart field "file"');
    if (file.size > this.config.mediaMaxBytes) throw invalidField('file', `is larger than ${this.config.mediaMaxBytes} bytes`);
    const mimeType = SIGNATURES.find(([, test]) => test(file.buffer))?.[0];
    if (!mimeType) throw invalidField('file', 'is not a PNG, JPEG, GIF or WebP image');
    return this.repo.create(caller.organisationId, mimeType, new Uint8Array(file.buffer));
  }
}
