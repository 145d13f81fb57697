import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { callRaw } from '../api/client';
import { useLoad } from '../ui/useLoad';
import { useSignedIn } from './session';

interface OpenMotion {
  id: string;
  strikeTitle?: string;
  hasVoted: boolean;
}

/** On every page while a motion waits for this member's vote (session.pendingVotes), linking to it. */
export function VoteBanner() {
  const { t } = useTranslation();
  const { pendingVotes } = useSignedIn();
  const motions = useLoad(() => (pendingVotes > 0 ? callRaw<OpenMotion[]>('GET', '/v1/motions?state=open') : Promise.resolve([])), [pendingVotes]);
  if (pendingVotes <= 0) return null;
  const waiting = motions.status === 'ready' ? motions.data.filter((m) => !m.hasVoted) : [];
  const first = waiting[0];
  return (
    <section className="vote-banner" aria-label={t('vote.bannerLabel')}>
      <p>
        {t('vote.waiting', { count: pendingVotes })}{' '}
        {first ? (
          <Link href={`/motions/${first.id}`}>{first.strikeTitle ? t('vote.goTo', { title: first.strikeTitle }) : t('vote.go')}</Link>
        ) : null}
      </p>
    </section>
  );
}
