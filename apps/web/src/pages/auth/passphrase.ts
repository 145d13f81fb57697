/** The API's passphrase rule (WEB-CONTRACT.md: 12 to 1024 characters), checked before sending. */
export function passphraseProblem(passphrase: string): 'short' | 'long' | null {
  const length = [...passphrase].length;
  if (length < 12) return 'short';
  if (length > 1024) return 'long';
  return null;
}
