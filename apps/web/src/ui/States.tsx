import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/errors';
import type { LoadState } from './useLoad';

/** Announced politely to screen readers; shown after a short delay by CSS so fast loads do not flash. */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('state.loading')}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** An error the person can act on: the API's message, and a retry when one makes sense. */
export function ErrorState({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text =
    error.status === 0 ? t('error.network') : error.status === 401 ? t('error.signedOut') : error.status === 403 ? t('error.forbidden') : error.status === 404 ? t('error.notFound') : error.message;
  return (
    <div className="state state-error" role="alert">
      <p>{text}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('action.retry')}
        </button>
      )}
    </div>
  );
}

/** Renders the loading and error states of a `useLoad`, and the data when it is there. */
export function Loaded<T>({ state, children }: { state: LoadState<T> & { reload: () => void }; children: (data: T) => ReactNode }) {
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorState error={state.error} onRetry={state.reload} />;
  return <>{children(state.data)}</>;
}
