import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Account, Post, Strike } from '../../api/views';
import type { useOrgTime } from '../../app/useOrgTime';
import { daysToInstants, inWindow, overlapsDay } from '../../lib/calendar';
import { dayKey } from '../../lib/time';
import { Empty } from '../../ui/States';
import { DeliveryStatus } from './DeliveryStatus';

interface ViewProps {
  posts: Post[];
  accounts: Map<string, Account>;
  strikes: Strike[];
  time: ReturnType<typeof useOrgTime>;
}

const excerpt = (text: string, n = 140) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

function dayTitle(key: string, locale: string, long = true) {
  return new Intl.DateTimeFormat(locale, { weekday: long ? 'long' : 'short', day: 'numeric', month: long ? 'long' : 'short', timeZone: 'UTC' }).format(new Date(`${key}T12:00:00Z`));
}

function postsOfDay(posts: Post[], key: string, timeZone: string) {
  return posts.filter((p) => dayKey(p.scheduledAt, timeZone) === key).sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
}

/** A post scheduled inside a strike window on an account that strike covers. */
function struckBy(post: Post, strikes: Strike[]): Strike | undefined {
  return strikes.find((s) => post.deliveries.some((d) => (s.allAccounts || s.accountIds.includes(d.accountId)) && inWindow(d.scheduledAt, s)));
}

export function PostCard({ post, accounts, strikes, time }: { post: Post } & Omit<ViewProps, 'posts'>) {
  const { t } = useTranslation('queue');
  const strike = struckBy(post, strikes);
  return (
    <article className={strike ? 'post-card in-strike' : 'post-card'}>
      <p className="post-time">
        <Link href={`/posts/${post.id}`}>
          <time dateTime={post.scheduledAt}>{time.time(post.scheduledAt)}</time>
          <span className="visually-hidden"> — {t('openPost')}</span>
        </Link>
        {post.strikeId && <span className="badge strike-post">{t('strikePost')}</span>}
        {strike && !post.strikeId && <span className="post-in-strike">{t('inStrike', { title: strike.title })}</span>}
      </p>
      <p className="post-text">{excerpt(post.text)}</p>
      {post.media.length > 0 && <p className="muted">{t('images', { count: post.media.length })}</p>}
      <ul className="plain deliveries">
        {post.deliveries.map((d) => (
          <li key={d.id}>
            <DeliveryStatus delivery={d} account={accounts.get(d.accountId)} strikes={strikes} />
          </li>
        ))}
      </ul>
    </article>
  );
}

/** The strike windows over a day, with their hours clipped to the day. */
function StrikeBands({ day, strikes, time }: { day: string; strikes: Strike[]; time: ViewProps['time'] }) {
  const { t } = useTranslation('queue');
  const { from, to } = daysToInstants(day, day, time.timeZone);
  const on = strikes.filter((s) => overlapsDay(s, day, time.timeZone));
  if (!on.length) return null;
  return (
    <ul className="plain strike-bands">
      {on.map((s) => {
        const start = s.startsAt > from ? time.time(s.startsAt) : t('dayStart');
        const end = s.endsAt < to ? time.time(s.endsAt) : t('dayEnd');
        return (
          <li key={s.id} className={`strike-band strike-${s.state}`}>
            <Link href={`/strikes/${s.id}`}>{t('strikeBand', { title: s.title, start, end, state: t(`strikeState.${s.state}`) })}</Link>
          </li>
        );
      })}
    </ul>
  );
}

export function WeekView({ days, ...props }: ViewProps & { days: string[] }) {
  const { t } = useTranslation('queue');
  const todayKey = dayKey(new Date(), props.time.timeZone);
  return (
    <ol className="week">
      {days.map((day) => {
        const posts = postsOfDay(props.posts, day, props.time.timeZone);
        return (
          <li key={day} className={day === todayKey ? 'day today' : 'day'} aria-current={day === todayKey ? 'date' : undefined}>
            <h3 className="day-title">{dayTitle(day, props.time.locale)}</h3>
            <StrikeBands day={day} strikes={props.strikes} time={props.time} />
            {posts.length === 0 ? (
              <p className="muted day-empty">{t('nothing')}</p>
            ) : (
              posts.map((p) => <PostCard key={p.id} post={p} accounts={props.accounts} strikes={props.strikes} time={props.time} />)
            )}
          </li>
        );
      })}
    </ol>
  );
}

export function MonthView({ weeks, month, ...props }: ViewProps & { weeks: string[][]; month: string }) {
  const { t } = useTranslation('queue');
  const weekdays = weeks[0]!.map((d) => new Intl.DateTimeFormat(props.time.locale, { weekday: 'short', timeZone: 'UTC' }).format(new Date(`${d}T12:00:00Z`)));
  return (
    <div className="table-wrap">
      <table className="month">
        <caption className="visually-hidden">{t('monthCaption')}</caption>
        <thead>
          <tr>
            {weekdays.map((w) => (
              <th key={w} scope="col">
                {w}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={week[0]}>
              {week.map((day) => {
                const posts = postsOfDay(props.posts, day, props.time.timeZone);
                const struck = props.strikes.filter((s) => overlapsDay(s, day, props.time.timeZone));
                const classes = ['month-day', day.startsWith(month) ? '' : 'other-month', struck.length ? 'in-strike' : ''].filter(Boolean).join(' ');
                return (
                  <td key={day} className={classes}>
                    <Link href={`/queue?view=week&day=${day}`} className="month-date" aria-label={t('dayLink', { day: dayTitle(day, props.time.locale), count: posts.length })}>
                      {Number(day.slice(8))}
                    </Link>
                    {struck.map((s) => (
                      <span key={s.id} className="month-strike">
                        {s.title}
                      </span>
                    ))}
                    <ul className="plain month-posts">
                      {posts.slice(0, 3).map((p) => (
                        <li key={p.id}>
                          <Link href={`/posts/${p.id}`}>
                            {props.time.time(p.scheduledAt)} {excerpt(p.text, 24)}
                          </Link>
                        </li>
                      ))}
                    </ul>
                    {posts.length > 3 && <span className="muted">{t('more', { count: posts.length - 3 })}</span>}
                    {posts.length > 0 && <span className="month-count">{t('postCount', { count: posts.length })}</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PostList(props: ViewProps) {
  const { t } = useTranslation('queue');
  if (props.posts.length === 0) return <Empty>{t('empty')}</Empty>;
  const days = [...new Set(props.posts.map((p) => dayKey(p.scheduledAt, props.time.timeZone)))].sort();
  return (
    <div className="post-list">
      {days.map((day) => (
        <section key={day} aria-labelledby={`day-${day}`}>
          <h3 id={`day-${day}`}>{dayTitle(day, props.time.locale)}</h3>
          <StrikeBands day={day} strikes={props.strikes} time={props.time} />
          {postsOfDay(props.posts, day, props.time.timeZone).map((p) => (
            <PostCard key={p.id} post={p} accounts={props.accounts} strikes={props.strikes} time={props.time} />
          ))}
        </section>
      ))}
    </div>
  );
}
