import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { StrikeState } from '../../api/views';
import { useOrgTime } from '../../app/useOrgTime';

/** A strike's state in words (colour never carries it alone). */
export function StrikeStateBadge({ state }: { state: StrikeState | 'draft' }) {
  const { t } = useTranslation('strikes');
  return <span className={`badge strike-state strike-state-${state}`}>{t(`state.${state}`)}</span>;
}

/** "5 Dec 2026, 09:00 CET → 6 Dec 2026, 09:00 CET" in the organisation's zone. */
export function WindowText({ from, until }: { from: string; until: string }) {
  const { dateTime } = useOrgTime();
  return (
    <span className="strike-window">
      <time dateTime={from}>{dateTime(from)}</time> → <time dateTime={until}>{dateTime(until)}</time>
    </span>
  );
}

/** The pages of one strike, as a secondary navigation: each its own URL. */
export function StrikeTabs({ id, current }: { id: string; current: 'overview' | 'live' | 'held' | 'report' }) {
  const { t } = useTranslation('strikes');
  const tabs = [
    { key: 'overview', href: `/strikes/${id}` },
    { key: 'live', href: `/strikes/${id}/live` },
    { key: 'held', href: `/strikes/${id}/held` },
    { key: 'report', href: `/strikes/${id}/report` },
  ] as const;
  return (
    <nav className="strike-tabs" aria-label={t('tabs.label')}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.key}>
            <Link href={tab.href} aria-current={tab.key === current ? 'page' : undefined}>
              {t(`tabs.${tab.key}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The current time, ticking every `ms`: countdowns and "closes in". */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** Whole days, hours, minutes and seconds until `target` (never negative). */
export function splitDuration(ms: number): { days: number; hours: number; minutes: number; seconds: number } {
  const s = Math.max(0, Math.floor(ms / 1000));
  return { days: Math.floor(s / 86400), hours: Math.floor((s % 86400) / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
}

/** "2 d 03:04:05" / "03:04:05": a countdown people read at a glance. */
export function formatCountdown(ms: number, daysLabel: (n: number) => string): string {
  const { days, hours, minutes, seconds } = splitDuration(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
  return days > 0 ? `${daysLabel(days)} ${clock}` : clock;
}
