import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';

/** An account's stored secret, renewed one holder at a time (X rotates its refresh tokens: two renewals at once would lose one). */
@Injectable()
export class AccountSecretsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Runs `renew` on the current ciphertext while holding the account's lock, stores what it returns
   * (null: unchanged) and returns the ciphertext in force. A second caller waits, then sees the new one.
   */
  async withSecretLock(accountId: string, renew: (ciphertext: string) => Promise<string | null>, timeoutMs: number): Promise<string> {
    return this.prisma.client.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`secret:${accountId}`}))`;
        const { tokenCiphertext } = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { tokenCiphertext: true } });
        const renewed = await renew(tokenCiphertext);
        if (!renewed) return tokenCiphertext;
        await tx.account.update({ where: { id: accountId }, data: { tokenCiphertext: renewed } });
        return renewed;
      },
      { timeout: timeoutMs + 5000, maxWait: timeoutMs + 5000 },
    );
  }
}
