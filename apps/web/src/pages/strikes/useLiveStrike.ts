import { useEffect, useState } from 'react';
import { ApiError } from '../../api/errors';
import { strikesApi } from './api';
import type { LiveView } from './types';

const POLL_MS = 5000;

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'polling';

/**
 * The live view of a strike, kept up to date by the server's events (GET /v1/strikes/:id/events, an
 * event `live` carrying the same JSON as GET /live, sent when it changes). The first answer comes from
 * GET /live so the page never waits on the stream; if the stream cannot be opened at all, it polls.
 */
export function useLiveStrike(id: string): { live: LiveView | null; error: ApiError | null; connection: Connection; updatedAt: number | null } {
  const [live, setLive] = useState<LiveView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);

  useEffect(() => {
    let stopped = false;
    let poll: ReturnType<typeof setInterval> | null = null;
    const take = (view: LiveView) => {
      if (stopped) return;
      setLive(view);
      setError(null);
      setUpdatedAt(Date.now());
    };
    const fetchOnce = () =>
      strikesApi.live(id).then(take, (err: unknown) => !stopped && setError(err instanceof ApiError ? err : new ApiError(0, String(err))));
    void fetchOnce();

    const source = new EventSource(`/v1/strikes/${encodeURIComponent(id)}/events`, { withCredentials: true });
    source.addEventListener('open', () => !stopped && setConnection('live'));
    source.addEventListener('live', (e) => {
      try {
        take(JSON.parse((e as MessageEvent<string>).data) as LiveView);
        setConnection('live');
      } catch {
        // a malformed event: the next one (or the poll) brings the state
      }
    });
    source.addEventListener('error', () => {
      if (stopped) return;
      if (source.readyState === EventSource.CLOSED) {
        // The stream was refused (not there, or the session ended): ask every few seconds instead.
        setConnection('polling');
        poll ??= setInterval(() => void fetchOnce(), POLL_MS);
      } else {
        setConnection('reconnecting');
      }
    });
    return () => {
      stopped = true;
      source.close();
      if (poll) clearInterval(poll);
    };
  }, [id]);

  return { live, error, connection, updatedAt };
}
