import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, call } from '../../api/client';
import type { Page, Post } from '../../api/views';
import { useOrgTime } from '../../app/useOrgTime';
import { Empty, Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';

export default function QueuePage() {
  const { t } = useTranslation('queue');
  usePageTitle(t('title'));
  const time = useOrgTime();
  const posts = useLoad(() => call<Page<Post>>(api.GET('/v1/posts', { params: { query: { limit: 200 } } })), []);
  return (
    <>
      <div className="page-head">
        <h1>{t('title')}</h1>
        <Link href="/posts/new" className="button button-primary">
          {t('new')}
        </Link>
      </div>
      <p className="muted">{t('zone', { zone: time.zone() })}</p>
      <Loaded state={posts}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>{t('empty')}</Empty>
          ) : (
            <ul className="list">
              {page.items.map((p) => (
                <li key={p.id}>
                  <Link href={`/posts/${p.id}`}>{time.dateTime(p.scheduledAt)}</Link> — {p.text}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}
