import { voteContext } from '#crypto/contexts.js';
import type { SecretBox } from '#crypto/secret-box.js';
import { VOTE_CHOICES, type VoteChoice } from '../domain/strike.js';

// AES-GCM keeps the plaintext's length: 'approve' and 'reject' would differ by one byte in the
// database. Every choice is padded to the same length before sealing.
const SEALED_LENGTH = Math.max(...VOTE_CHOICES.map((c) => c.length));

/** Seals a secret ballot's choice for one row (motion and voter). */
export function sealChoice(box: SecretBox, motionId: string, memberId: string, choice: VoteChoice): string {
  return box.seal(choice.padEnd(SEALED_LENGTH, ' '), voteContext(motionId, memberId));
}

/** Opens a sealed choice, only to count it; throws if it was moved from another row or altered. */
export function openChoice(box: SecretBox, motionId: string, memberId: string, sealed: string): VoteChoice {
  const choice = box.open(sealed, voteContext(motionId, memberId)).trimEnd();
  if (!(VOTE_CHOICES as readonly string[]).includes(choice)) throw new Error('A sealed vote holds no known choice');
  return choice as VoteChoice;
}
