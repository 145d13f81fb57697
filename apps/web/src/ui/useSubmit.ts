import { useCallback, useState, type FormEvent } from 'react';
import { ApiError } from '../api/errors';

/**
 * A form's send: `busy` while it runs (disable the button), `error` holds the API's answer so fields
 * can show `error.forField('text')` and the form the rest. Returns what `action` returned, or undefined.
 */
export function useSubmit<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(
    async (...args: A): Promise<R | undefined> => {
      setBusy(true);
      setError(null);
      try {
        return await action(...args);
      } catch (err) {
        setError(err instanceof ApiError ? err : new ApiError(0, String((err as Error)?.message ?? err)));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [action],
  );
  /** For `<form onSubmit>`: prevents the page load, then runs. */
  const onSubmit = (...args: A) => (e: FormEvent) => {
    e.preventDefault();
    void run(...args);
  };
  return { busy, error, setError, run, onSubmit };
}

/** The messages of an error that no field shows (so the form can show them once, at the top). */
export function otherErrors(error: ApiError | null, shownFields: string[]): string | null {
  if (!error) return null;
  const fields = Object.keys(error.fields);
  if (fields.length === 0) return error.message;
  const rest = fields.filter((f) => !shownFields.some((s) => f === s || f.startsWith(`${s}.`)));
  return rest.length ? rest.map((f) => `${f}: ${error.fields[f]!.join(' ')}`).join('; ') : null;
}
