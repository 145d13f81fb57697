import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { callRaw } from '../api/client';
import type { ApiError } from '../api/errors';
import type { Session } from '../api/views';

interface SessionState {
  /** null while the first answer is awaited. */
  session: Session | null;
  error: ApiError | null;
  refresh: () => Promise<Session | null>;
}

const SessionContext = createContext<SessionState | null>(null);

const SESSION_REFRESH_MS = 60_000;

/** Asks `GET /v1/auth/session` at load and whenever a page changes who is signed in. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const refresh = useCallback(async () => {
    try {
      const s = await callRaw<Session>('GET', '/v1/auth/session');
      setSession(s);
      setError(null);
      return s;
    } catch (err) {
      setError(err as ApiError);
      return null;
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  // What the session says changes without this page doing anything (another member's vote decides
  // a motion, an admin changes a role): asked again every minute while the tab is seen, and when
  // it is seen again, so the vote banner never points at a motion already decided.
  useEffect(() => {
    const again = () => document.visibilityState === 'visible' && void refresh();
    const timer = setInterval(again, SESSION_REFRESH_MS);
    document.addEventListener('visibilitychange', again);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', again);
    };
  }, [refresh]);
  return <SessionContext.Provider value={{ session, error, refresh }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** The signed-in member's session (pages behind RequireSignIn only). */
export function useSignedIn(): Extract<Session, { signedIn: true }> & { refresh: () => Promise<Session | null> } {
  const { session, refresh } = useSession();
  if (!session || !session.signedIn) throw new Error('useSignedIn on a page that does not require signing in');
  return { ...session, refresh };
}
