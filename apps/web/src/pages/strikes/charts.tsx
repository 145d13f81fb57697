import { useTranslation } from 'react-i18next';
import { useOrgTime } from '../../app/useOrgTime';
import type { Point, ReportView } from './types';

// Small SVG charts drawn here (no library, no inline style: attributes only). Each has a text
// alternative; the tables beside them carry the same figures.

const W = 640;
const ROW = 26;

/** Strike posts ranked by engagement (favourites + boosts + replies), one bar each. */
export function PostBars({ report }: { report: ReportView }) {
  const { t } = useTranslation('report');
  const posts = report.posts.slice(0, 12);
  if (posts.length === 0) return null;
  const total = (c: ReportView['posts'][number]['counts']) => (c.favourites ?? 0) + (c.boosts ?? 0) + (c.replies ?? 0);
  const max = Math.max(1, ...posts.map((p) => total(p.counts)));
  const labelW = 180;
  const h = posts.length * ROW + 8;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-labelledby="bars-title" className="chart-svg">
        <title id="bars-title">{t('charts.barsAlt', { count: posts.length })}</title>
        {posts.map((p, i) => {
          const v = total(p.counts);
          const w = Math.max(2, ((W - labelW - 60) * v) / max);
          const y = 4 + i * ROW;
          return (
            <g key={p.deliveryId}>
              <text x={0} y={y + 17} className="chart-label">
                {`#${p.rank} ${p.account.handle}`.slice(0, 26)}
              </text>
              <rect x={labelW} y={y + 4} width={w} height={ROW - 8} className={`chart-bar chart-bar-${p.role === 'opening' ? 'opening' : 'other'}`} />
              <text x={labelW + w + 6} y={y + 17} className="chart-value">
                {v}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="hint">{t('charts.barsCaption')}</figcaption>
    </figure>
  );
}

/** Favourites, boosts and replies summed over strike posts, as the snapshots came in. */
export function SeriesChart({ points }: { points: Point[] }) {
  const { t } = useTranslation('report');
  const { dateTime } = useOrgTime();
  if (points.length < 2) return null;
  const H = 220;
  const pad = 36;
  const t0 = Date.parse(points[0]!.at);
  const t1 = Math.max(t0 + 1, Date.parse(points[points.length - 1]!.at));
  const metrics = ['favourites', 'boosts', 'replies'] as const;
  const max = Math.max(1, ...points.flatMap((p) => metrics.map((m) => p[m] ?? 0)));
  const x = (at: string) => pad + ((W - 2 * pad) * (Date.parse(at) - t0)) / (t1 - t0);
  const y = (v: number) => H - pad - ((H - 2 * pad) * v) / max;
  const last = points[points.length - 1]!;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="series-title" className="chart-svg">
        <title id="series-title">
          {t('charts.seriesAlt', { from: dateTime(points[0]!.at), until: dateTime(last.at), favourites: last.favourites ?? 0, boosts: last.boosts ?? 0, replies: last.replies ?? 0 })}
        </title>
        <line x1={pad} y1={H - pad} x2={W - pad} y2={H - pad} className="chart-axis" />
        <line x1={pad} y1={pad} x2={pad} y2={H - pad} className="chart-axis" />
        <text x={pad - 6} y={pad + 4} className="chart-value" textAnchor="end">
          {max}
        </text>
        <text x={pad - 6} y={H - pad + 4} className="chart-value" textAnchor="end">
          0
        </text>
        {metrics.map((m) => (
          <polyline key={m} points={points.map((p) => `${x(p.at).toFixed(1)},${y(p[m] ?? 0).toFixed(1)}`).join(' ')} className={`chart-line chart-line-${m}`} />
        ))}
      </svg>
      <figcaption className="chart-legend">
        {metrics.map((m) => (
          <span key={m} className={`legend legend-${m}`}>
            {t(`metric.${m}`)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
