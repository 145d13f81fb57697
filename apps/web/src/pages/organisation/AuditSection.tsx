import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, callAs } from '../../api/client';
import type { ApiError } from '../../api/errors';
import type { AuditEntry, Page } from '../../api/views';
import { useOrgTime } from '../../app/useOrgTime';
import { Empty, ErrorState, Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';

const PAGE = 25;

/** Every decision and change, newest first, a page at a time. */
export function AuditSection() {
  const { t } = useTranslation('organisation');
  const time = useOrgTime();
  const first = useLoad(() => callAs<Page<AuditEntry>>(api.GET('/v1/audit', { params: { query: { limit: PAGE } } })), []);
  const [more, setMore] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const next = cursor === undefined ? (first.status === 'ready' ? first.data.nextCursor : null) : cursor;
  const loadMore = async () => {
    if (!next || busy) return;
    setBusy(true);
    setError(null);
    try {
      const page = await callAs<Page<AuditEntry>>(api.GET('/v1/audit', { params: { query: { limit: PAGE, cursor: next } } }));
      setMore((m) => [...m, ...page.items]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section id="audit" className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{t('audit.title')}</h2>
      <Loaded state={first}>
        {(page) => {
          const entries = [...page.items, ...more];
          if (entries.length === 0) return <Empty>{t('audit.empty')}</Empty>;
          return (
            <>
              <ol className="plain audit">
                {entries.map((a) => (
                  <li key={a.id}>
                    <time dateTime={a.at}>{time.dateTime(a.at)}</time> — <strong>{t(`audit.actions.${a.action}`, { defaultValue: a.action })}</strong>
                    {a.actor && <> · {a.actor.name}</>}
                    {a.strikeId && (
                      <>
                        {' '}
                        · <Link href={`/strikes/${a.strikeId}`}>{t('audit.strike')}</Link>
                      </>
                    )}
                  </li>
                ))}
              </ol>
              {error && <ErrorState error={error} onRetry={() => void loadMore()} />}
              {next && (
                <button type="button" onClick={() => void loadMore()} aria-disabled={busy || undefined}>
                  {t('common:action.more')}
                </button>
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
