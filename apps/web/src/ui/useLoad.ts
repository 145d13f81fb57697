import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/errors';

export type LoadState<T> =
  | { status: 'loading'; data?: undefined; error?: undefined }
  | { status: 'error'; data?: undefined; error: ApiError }
  | { status: 'ready'; data: T; error?: undefined };

/**
 * Loads data for a page: `loading` → `ready` | `error`, again whenever `deps` change or `reload()` is
 * called. A late answer to an older request is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): LoadState<T> & { reload: () => void } {
  const [state, setState] = useState<LoadState<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => (s.status === 'ready' ? s : { status: 'loading' }));
    load().then(
      (data) => mine === seq.current && setState({ status: 'ready', data }),
      (err: unknown) => mine === seq.current && setState({ status: 'error', error: err instanceof ApiError ? err : new ApiError(0, String((err as Error)?.message ?? err)) }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
