/**
 * Inline SVG charts for the report page: drawn on the server, no script, no external file, and
 * legible in print (series differ by dash as well as by colour). Every label goes through `html`.
 */
import { html, type SafeHtml } from './html.js';

const W = 720;
const H = 260;
const M = { top: 16, right: 16, bottom: 40, left: 56 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;
/** More points than pixels only makes the page heavier. */
export const MAX_LINE_POINTS = 400;

export interface LineSeries {
  label: string;
  color: string;
  dash: string;
  points: { t: number; v: number }[];
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** Math.max without spreading: a series can hold more points than a call takes arguments. */
function maxOf(values: Iterable<number>): number {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** A round upper bound for the y axis and its step: 0, step, 2·step … ≥ max, with about four steps. */
export function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 1 };
  const raw = max / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((f) => f * pow >= raw) ?? 10) * pow;
  return { top: Math.ceil(max / step) * step, step };
}

/** At most `max` points, the last one of each equal slice of time (the series carry values forward). */
export function downsample<P extends { t: number }>(points: readonly P[], max = MAX_LINE_POINTS): P[] {
  if (points.length <= max) return [...points];
  const t0 = points[0]!.t;
  const span = points[points.length - 1]!.t - t0 || 1;
  const out: P[] = [];
  let slice = -1;
  for (const p of points) {
    const s = Math.min(max - 1, Math.floor(((p.t - t0) / span) * max));
    if (s === slice) out[out.length - 1] = p;
    else out.push(p);
    slice = s;
  }
  return out;
}

function frame(title: string, body: SafeHtml, legend: SafeHtml | null = null): SafeHtml {
  return html`<figure class="chart"><figcaption>${title}</figcaption>${legend}<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${title}"><title>${title}</title>${body}</svg></figure>`;
}

function yAxis(top: number, step: number, format: (v: number) => string): SafeHtml {
  const ticks: SafeHtml[] = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    const y = r1(M.top + PH - (v / top) * PH);
    ticks.push(html`<line class="grid" x1="${M.left}" x2="${M.left + PW}" y1="${y}" y2="${y}"/><text class="tick" x="${M.left - 6}" y="${y + 4}" text-anchor="end">${format(v)}</text>`);
  }
  return html`${ticks}<line class="axis" x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + PH}"/><line class="axis" x1="${M.left}" x2="${M.left + PW}" y1="${M.top + PH}" y2="${M.top + PH}"/>`;
}

function xLabels(t0: number, t1: number, format: (t: number) => string, count = 4): SafeHtml {
  const labels: SafeHtml[] = [];
  const n = t1 > t0 ? count : 0;
  for (let i = 0; i <= n; i++) {
    const t = t0 + ((t1 - t0) * i) / (n || 1);
    const x = r1(M.left + (n ? (PW * i) / n : PW / 2));
    const anchor = i === 0 && n ? 'start' : i === n && n ? 'end' : 'middle';
    labels.push(html`<text class="tick" x="${x}" y="${M.top + PH + 18}" text-anchor="${anchor}">${format(t)}</text>`);
  }
  return html`${labels}`;
}

function legendOf(items: { label: string; color: string; dash: string }[]): SafeHtml {
  return html`<p class="legend">${items.map(
    (i) => html`<span><svg width="28" height="10" aria-hidden="true"><line x1="0" x2="28" y1="5" y2="5" stroke="${i.color}" stroke-width="3" stroke-dasharray="${i.dash}"/></svg> ${i.label}</span> `,
  )}</p>`;
}

export function lineChart(opts: { title: string; series: LineSeries[]; formatX: (t: number) => string; formatY: (v: number) => string; empty: string }): SafeHtml {
  if (opts.series.every((s) => s.points.length === 0)) return html`<figure class="chart"><figcaption>${opts.title}</figcaption><p class="empty">${opts.empty}</p></figure>`;
  const t0 = Math.min(...opts.series.map((s) => s.points[0]?.t ?? Infinity));
  const t1 = Math.max(...opts.series.map((s) => s.points[s.points.length - 1]?.t ?? -Infinity));
  const { top, step } = niceScale(maxOf(opts.series.flatMap((s) => s.points.map((p) => p.v))));
  const x = (t: number) => r1(M.left + (t1 > t0 ? ((t - t0) / (t1 - t0)) * PW : PW / 2));
  const y = (v: number) => r1(M.top + PH - (v / top) * PH);
  const lines = opts.series.map((s) => {
    const pts = downsample(s.points);
    if (pts.length === 1) return html`<circle cx="${x(pts[0]!.t)}" cy="${y(pts[0]!.v)}" r="3" fill="${s.color}"><title>${s.label}</title></circle>`;
    // Steps, not slopes: between two snapshots a count is only known to be its last value.
    const path = pts.map((p, i) => (i === 0 ? `${x(p.t)},${y(p.v)}` : `${x(p.t)},${y(pts[i - 1]!.v)} ${x(p.t)},${y(p.v)}`)).join(' ');
    return html`<polyline fill="none" stroke="${s.color}" stroke-width="2" stroke-dasharray="${s.dash}" points="${path}"><title>${s.label}</title></polyline>`;
  });
  return frame(opts.title, html`${yAxis(top, step, opts.formatY)}${xLabels(t0, t1, opts.formatX)}${lines}`, legendOf(opts.series));
}

export interface BarGroup {
  label: string;
  bars: { value: number | null; color: string; label: string }[];
}

/** Bars side by side per group (strike and ordinary per metric), each with its value written above it. */
export function groupedBarChart(opts: { title: string; groups: BarGroup[]; format: (v: number | null) => string; legend: { label: string; color: string }[] }): SafeHtml {
  const { top, step } = niceScale(maxOf(opts.groups.flatMap((g) => g.bars.map((b) => b.value ?? 0))));
  const gw = PW / Math.max(1, opts.groups.length);
  const per = Math.max(1, ...opts.groups.map((g) => g.bars.length));
  const bw = Math.min(48, (gw * 0.7) / per);
  const body = opts.groups.map((g, gi) => {
    const start = M.left + gi * gw + (gw - bw * g.bars.length) / 2;
    const bars = g.bars.map((b, bi) => {
      const h = r1(((b.value ?? 0) / top) * PH);
      const bx = r1(start + bi * bw);
      return html`<rect x="${bx + 2}" y="${r1(M.top + PH - h)}" width="${r1(bw - 4)}" height="${h}" fill="${b.color}"><title>${b.label}: ${opts.format(b.value)}</title></rect><text class="value" x="${r1(bx + bw / 2)}" y="${r1(M.top + PH - h - 4)}" text-anchor="middle">${opts.format(b.value)}</text>`;
    });
    return html`${bars}<text class="tick" x="${r1(M.left + gi * gw + gw / 2)}" y="${M.top + PH + 18}" text-anchor="middle">${g.label}</text>`;
  });
  return frame(opts.title, html`${yAxis(top, step, (v) => opts.format(v))}${body}`, legendOf(opts.legend.map((l) => ({ ...l, dash: '' }))));
}

/** One bar per time bucket (comments per hour). */
export function histogram(opts: { title: string; bars: { t: number; v: number }[]; formatX: (t: number) => string; color: string; empty: string }): SafeHtml {
  if (opts.bars.length === 0) return html`<figure class="chart"><figcaption>${opts.title}</figcaption><p class="empty">${opts.empty}</p></figure>`;
  const { top, step } = niceScale(maxOf(opts.bars.map((b) => b.v)));
  const bw = PW / opts.bars.length;
  const rects = opts.bars.map((b, i) => {
    const h = r1((b.v / top) * PH);
    return b.v === 0 ? null : html`<rect x="${r1(M.left + i * bw)}" y="${r1(M.top + PH - h)}" width="${r1(Math.max(0.5, bw - (bw > 3 ? 1 : 0)))}" height="${h}" fill="${opts.color}"><title>${opts.formatX(b.t)}: ${b.v}</title></rect>`;
  });
  const t0 = opts.bars[0]!.t;
  const t1 = opts.bars[opts.bars.length - 1]!.t;
  return frame(opts.title, html`${yAxis(top, step, String)}${xLabels(t0, t1, opts.formatX, Math.min(4, opts.bars.length - 1))}${rects}`);
}
