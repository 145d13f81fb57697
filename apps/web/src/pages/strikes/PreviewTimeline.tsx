import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOrgTime } from '../../app/useOrgTime';
import { SitesInScope } from './SitesInScope';
import type { StrikePreview, TimelineEvent } from './types';
import { Handle } from '../../ui/Handle';

const SHOWN = 150;

/** The exact counts a preview promises: what is held, what is published, what comes back, what changes. */
export function PreviewCounts({ preview }: { preview: StrikePreview }) {
  const { t } = useTranslation('strikes');
  const c = preview.counts;
  const held = typeof c.held === 'number' ? c.held : Number.parseInt(String(c.held), 10);
  const rows: [string, string][] = [
    ['held', typeof c.held === 'number' ? t('preview.count.held', { count: held }) : t('preview.count.heldMore', { count: held })],
    ['strikePosts', t('preview.count.strikePosts', { count: c.strikePosts })],
    ['returns', t('preview.count.returns', { count: c.returns })],
    ['dropped', t('preview.count.dropped', { count: c.dropped })],
    ['review', t('preview.count.review', { count: c.review })],
    ['profileChanges', t('preview.count.profileChanges', { count: c.profileChanges })],
  ];
  return (
    <ul className="preview-counts" data-testid="preview-counts">
      {rows.map(([key, text]) => (
        <li key={key} data-count={key}>
          {text}
        </li>
      ))}
    </ul>
  );
}

function eventText(e: TimelineEvent, t: (k: string, o?: Record<string, unknown>) => string): { label: string; body: string | null } {
  const d = e.detail as Record<string, unknown>;
  switch (e.kind) {
    case 'strike-post':
      return { label: t(`preview.kind.strikePost.${String(d['role'])}`), body: typeof d['text'] === 'string' ? d['text'] : null };
    case 'published-before':
      return { label: t('preview.kind.publishedBefore'), body: typeof d['text'] === 'string' ? d['text'] : null };
    case 'hold':
      return { label: t('preview.kind.hold'), body: typeof d['text'] === 'string' ? d['text'] : null };
    case 'held-post-returns':
      return { label: t(`preview.kind.returns.${String(d['fate'])}`), body: null };
    case 'held-post-dropped':
      return { label: t('preview.kind.dropped'), body: null };
    case 'held-post-review':
      return { label: t('preview.kind.review'), body: null };
    case 'profile':
      return { label: t(`preview.kind.profile.${String(d['action'])}`), body: profileSummary(d, t) };
  }
}

function profileSummary(d: Record<string, unknown>, t: (k: string, o?: Record<string, unknown>) => string): string | null {
  if (d['action'] === 'restore') return null;
  const c = (d['changes'] ?? {}) as Record<string, { from?: string | null; to?: string } | boolean | null>;
  const parts: string[] = [];
  const name = c['displayName'];
  if (name && typeof name === 'object') parts.push(t('preview.profile.name', { to: name.to }));
  const bio = c['bio'];
  if (bio && typeof bio === 'object') parts.push(t('preview.profile.bio', { to: bio.to }));
  if (c['avatar']) parts.push(t('preview.profile.avatar'));
  if (c['header']) parts.push(t('preview.profile.header'));
  if (c['pinOpening'] === true) parts.push(t('preview.profile.pin'));
  return parts.join(' · ') || null;
}

/** The timeline, minute by minute, in the organisation's zone; held posts are told apart from strike posts in words. */
export function PreviewTimeline({ preview, headingLevel = 3 }: { preview: StrikePreview; headingLevel?: 2 | 3 }) {
  const { t } = useTranslation('strikes');
  const { dateTime, zone } = useOrgTime();
  const [all, setAll] = useState(false);
  const events = all ? preview.timeline : preview.timeline.slice(0, SHOWN);
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="preview" aria-label={t('preview.title')}>
      <H>{t('preview.title')}</H>
      <p className="hint">
        {t('preview.window', { from: dateTime(preview.window.from), until: dateTime(preview.window.until) })} · {t('preview.accounts', { count: preview.accounts.length })}
      </p>
      <PreviewCounts preview={preview} />
      <FeatureGaps preview={preview} />
      {preview.sites.length > 0 && <SitesInScope sites={preview.sites} headingLevel={headingLevel === 2 ? 3 : 4} />}
      {preview.timeline.length === 0 ? (
        <p className="state state-empty">{t('preview.nothing')}</p>
      ) : (
        <ol className="timeline" aria-label={t('preview.timelineLabel', { zone: zone() })}>
          {events.map((e, i) => {
            const { label, body } = eventText(e, t);
            return (
              <li key={i} className={`timeline-event timeline-${e.kind}`}>
                <time dateTime={String(e.at)}>{dateTime(String(e.at))}</time>
                <span className="timeline-handle"><Handle handle={e.handle} /></span>
                <span className="timeline-kind">{label}</span>
                {body && <span className="timeline-body">{body}</span>}
              </li>
            );
          })}
        </ol>
      )}
      {preview.timeline.length > SHOWN && (
        <button type="button" onClick={() => setAll((a) => !a)} aria-expanded={all}>
          {all ? t('preview.showFewer') : t('preview.showAll', { count: preview.timeline.length })}
        </button>
      )}
      <p className="hint">{t('preview.native')}</p>
    </section>
  );
}

/** Per account, what its server cannot do: said before the vote, as the report says it after. */
function FeatureGaps({ preview }: { preview: StrikePreview }) {
  const { t } = useTranslation(['strikes', 'accounts']);
  const lacking = preview.accounts.filter((a) => a.featureGaps && a.featureGaps.length > 0);
  if (lacking.length === 0) return null;
  return (
    <div className="feature-gaps">
      <p className="hint">{t('preview.gapsTitle')}</p>
      <ul>
        {lacking.map((a) => (
          <li key={a.id}>
            {t('preview.gaps', {
              handle: a.handle,
              features: (a.featureGaps ?? []).map((g) => t(`accounts:capabilities.feature.${g.feature}`, { defaultValue: g.feature })).join(', '),
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}
