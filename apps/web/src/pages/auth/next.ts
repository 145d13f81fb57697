/** Where to go after signing in: only a path on this site (never `//evil.example` or a full URL). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/signin')) return '/queue';
  return next;
}
