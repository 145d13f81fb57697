import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { ApiError } from '../../api/errors';
import { useOrgTime } from '../../app/useOrgTime';
import { FormMessage } from '../../ui/Field';
import { Empty, Loaded, Loading } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { useSubmit } from '../../ui/useSubmit';
import { strikesApi } from './api';
import { StrikeTabs } from './bits';
import { PostBars, SeriesChart } from './charts';
import type { Metric, ReportLinkView, ReportView } from './types';
import './strikes.css';
import { Handle } from '../../ui/Handle';

/** `/strikes/:id/report`: figures against the ordinary baseline, charts, comments, downloads and signed links. */
export default function ReportPage() {
  const { id } = useParams<{ id: string }>();
  const { t, i18n } = useTranslation('report');
  const lang = i18n.language === 'fr' ? 'fr' : 'en';
  const report = useLoad(() => strikesApi.report(id, lang), [id, lang]);
  usePageTitle(report.status === 'ready' ? t('title', { title: report.data.strike.title }) : t('titleShort'));
  return (
    <Loaded state={report}>
      {(r) => (
        <>
          <div className="page-head">
            <h1>{t('title', { title: r.strike.title })}</h1>
            {r.strike.live && <span className="badge badge-attention">{t('live')}</span>}
          </div>
          <StrikeTabs id={id} current="report" />
          <Report report={r} />
          <Downloads id={id} lang={lang} />
          <SignedLinks id={id} lang={lang} />
        </>
      )}
    </Loaded>
  );
}

function Report({ report }: { report: ReportView }) {
  const { t } = useTranslation('report');
  const { dateTime } = useOrgTime();
  const o = report.totals.overall;
  const metrics = report.metrics.filter((m): m is Metric => m in o);
  if (report.posts.length === 0) {
    return <Empty>{report.strike.live ? t('emptyLive') : t('empty')}</Empty>;
  }
  return (
    <>
      <p className="hint">
        {t('window', { from: dateTime(report.strike.window.from), until: dateTime(report.strike.window.until) })} · {t('generated', { at: dateTime(report.generatedAt) })}
      </p>
      <ul className="report-totals" data-testid="report-totals">
        <li>
          <span className="figure" data-metric="posts">{o.posts}</span> {t('totals.posts', { count: o.posts })}
        </li>
        {metrics.map((m) => (
          <li key={m}>
            <span className="figure" data-metric={m}>{o[m] ?? '—'}</span> {t(`metric.${m}`)}
          </li>
        ))}
        <li>
          <span className="figure" data-metric="comments">{o.comments}</span> {t('totals.comments', { count: o.comments })}
        </li>
      </ul>

      <section aria-labelledby="baseline-heading">
        <h2 id="baseline-heading">{t('baseline.title')}</h2>
        <p className="hint">{t('baseline.what', { days: report.baseline.days, count: report.baseline.posts })}</p>
        <ul>
          {metrics.map((m) => {
            const r = report.ratios[m];
            return r ? <li key={m}>{r.sentence}</li> : null;
          })}
        </ul>
      </section>

      <section aria-labelledby="charts-heading">
        <h2 id="charts-heading">{t('charts.title')}</h2>
        <PostBars report={report} />
        <SeriesChart points={report.series.total} />
      </section>

      <section aria-labelledby="posts-heading">
        <h2 id="posts-heading">{t('posts.title')}</h2>
        <MetricTable labelledBy="posts-heading" testId="report-posts" first={[t('posts.rank'), t('posts.post')]} metrics={metrics}>
          {report.posts.map((p) => (
            <tr key={p.deliveryId}>
              <td>{p.rank}</td>
              <td>
                <span className="hint">
                  <Handle handle={p.account.handle} /> · {t(`role.${p.role}`, { defaultValue: p.role })} · {dateTime(p.publishedAt)}
                </span>
                <br />
                {p.url ? (
                  <a href={p.url} target="_blank" rel="noreferrer noopener">
                    {p.text.slice(0, 120)}
                  </a>
                ) : (
                  p.text.slice(0, 120)
                )}
                {p.goneAt && <span className="hint"> {t('posts.gone')}</span>}
              </td>
              {metrics.map((m) => (
                <td key={m}>{p.counts[m] ?? '—'}</td>
              ))}
              <td>{p.comments}</td>
            </tr>
          ))}
        </MetricTable>
      </section>

      <section aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">{t('accounts.title')}</h2>
        <MetricTable labelledBy="accounts-heading" first={[t('accounts.account'), t('totals.postsHeader')]} metrics={metrics}>
          {report.totals.perAccount.map((a) => (
            <tr key={a.account.id}>
              <th scope="row"><Handle handle={a.account.handle} /></th>
              <td>{a.posts}</td>
              {metrics.map((m) => (
                <td key={m}>{a[m] ?? '—'}</td>
              ))}
              <td>{a.comments}</td>
            </tr>
          ))}
        </MetricTable>
      </section>

      <section aria-labelledby="comments-heading">
        <h2 id="comments-heading">{t('comments.title')}</h2>
        <p>{t('comments.summary', { count: report.comments.count, authors: report.comments.uniqueAuthors })}</p>
        {report.comments.first.length === 0 ? (
          <Empty>{t('comments.none')}</Empty>
        ) : (
          <ul className="list comments" data-testid="comments">
            {report.comments.first.map((c) => (
              <li key={c.id}>
                <p className="comment-head">
                  {c.authorUrl ? (
                    <a href={c.authorUrl} target="_blank" rel="noreferrer noopener">
                      {c.authorHandle}
                    </a>
                  ) : (
                    c.authorHandle
                  )}{' '}
                  <span className="hint">
                    <time dateTime={c.postedAt}>{dateTime(c.postedAt)}</time>
                  </span>
                </p>
                <p className="pre">{c.text}</p>
              </li>
            ))}
          </ul>
        )}
        {report.comments.more && <p className="hint">{t('comments.more')}</p>}
      </section>
    </>
  );
}

/** A scrollable table of figures: two leading columns, one per metric, then the comments. */
function MetricTable(props: { labelledBy: string; testId?: string; first: [string, string]; metrics: Metric[]; children: ReactNode }) {
  const { t } = useTranslation('report');
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={props.labelledBy}>
      <table data-testid={props.testId}>
        <thead>
          <tr>
            {props.first.map((label) => (
              <th scope="col" key={label}>
                {label}
              </th>
            ))}
            {props.metrics.map((m) => (
              <th scope="col" key={m}>
                {t(`metric.${m}`)}
              </th>
            ))}
            <th scope="col">{t('posts.comments')}</th>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

function Downloads({ id, lang }: { id: string; lang: string }) {
  const { t } = useTranslation('report');
  const { timeZone } = useOrgTime();
  const base = `/v1/strikes/${id}`;
  return (
    <section aria-labelledby="downloads-heading">
      <h2 id="downloads-heading">{t('downloads.title')}</h2>
      <ul className="downloads">
        <li>
          <a href={`${base}/report.html?lang=${lang}&tz=${encodeURIComponent(timeZone)}`} target="_blank" rel="noopener">
            {t('downloads.printable')}
          </a>
        </li>
        {(['posts', 'snapshots', 'comments'] as const).map((f) => (
          <li key={f}>
            <a href={`${base}/report/${f}.csv`} download>
              {t(`downloads.${f}`)}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SignedLinks({ id, lang }: { id: string; lang: string }) {
  const { t } = useTranslation('report');
  const { timeZone, dateTime } = useOrgTime();
  const links = useLoad<ReportLinkView[] | null>(
    () => strikesApi.reportLinks(id).catch((err: unknown) => (err instanceof ApiError && (err.status === 404 || err.status === 405) ? null : Promise.reject(err))),
    [id],
  );
  const [made, setMade] = useState<ReportLinkView | null>(null);
  const [copied, setCopied] = useState(false);
  const make = useSubmit(async () => {
    setMade(await strikesApi.makeReportLink(id, lang, timeZone));
    setCopied(false);
    links.reload();
  });
  const revoke = useSubmit(async (linkId: string) => {
    await strikesApi.revokeReportLink(linkId);
    links.reload();
  });
  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <section aria-labelledby="links-heading">
      <h2 id="links-heading">{t('links.title')}</h2>
      <p className="hint">{t('links.what')}</p>
      <FormMessage kind="error">{make.error?.message ?? revoke.error?.message}</FormMessage>
      <button type="button" onClick={() => void make.run()} disabled={make.busy}>
        {t('links.make')}
      </button>
      {made?.url && (
        <div className="made-link" role="status">
          <p>{t('links.made', { at: dateTime(made.expiresAt) })}</p>
          <p className="secret" data-testid="report-link">
            {made.url}
          </p>
          <button type="button" onClick={() => void copy(made.url!)}>
            {copied ? t('common:action.copied') : t('common:action.copy')}
          </button>
        </div>
      )}
      {links.status === 'loading' ? (
        <Loading />
      ) : links.status === 'error' ? (
        <FormMessage kind="error">{links.error.message}</FormMessage>
      ) : links.data === null ? (
        <p className="hint">{t('links.noList')}</p>
      ) : links.data.length === 0 ? (
        <p className="hint">{t('links.none')}</p>
      ) : (
        <ul className="list">
          {links.data.map((l, i) => (
            <li key={l.id ?? i}>
              {t('links.item', { created: l.createdAt ? dateTime(l.createdAt) : '—', expires: dateTime(l.expiresAt) })}
              {l.revokedAt ? (
                <span className="badge"> {t('links.revoked')}</span>
              ) : (
                l.id && (
                  <button type="button" className="button-danger" disabled={revoke.busy} onClick={() => void revoke.run(l.id!)}>
                    {t('links.revoke')}
                  </button>
                )
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
