import { hash, verify } from '@node-rs/argon2';

/** Logins are compared whatever their case (an email is the usual login). */
export const normaliseLogin = (login: string): string => login.trim().toLowerCase();

// @node-rs/argon2 hashes with argon2id by default; these are OWASP's minimum for it (19 MiB, 2 passes).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const hashPassphrase = (passphrase: string): Promise<string> => hash(passphrase, OPTIONS);

let dummy: Promise<string> | null = null;

/**
 * Checks a passphrase against its hash; with no hash (unknown login, no passphrase set) it still
 * spends the same work on a dummy hash, so timing does not tell which logins exist.
 */
export async function passphraseMatches(stored: string | null, passphrase: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hashPassphrase('piquet: no such login');
    await verify(await dummy, passphrase);
    return false;
  }
  return verify(stored, passphrase);
}
