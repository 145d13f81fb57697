import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { Account, Delivery, Strike } from '../../api/views';
import { Handle } from '../../ui/Handle';

/**
 * One delivery's state in words (colour never carries it alone): published with its link, failed
 * with the reason, held by which strike, cancelled with why.
 */
export function DeliveryStatus({ delivery, account, strikes }: { delivery: Delivery; account?: Account; strikes?: Strike[] }) {
  const { t } = useTranslation('queue');
  const who = account ? account.handle : t('unknownAccount');
  const holder = delivery.state === 'held' ? heldBy(delivery, account, strikes ?? []) : null;
  return (
    <span className="delivery">
      <span className="delivery-account">{account ? <Handle handle={account.handle} /> : who}</span>{' '}
      <span className={`badge state-${delivery.state}`}>{t(`state.${delivery.state}`)}</span>
      {delivery.state === 'published' && delivery.url && (
        <>
          {' '}
          <a href={delivery.url} rel="noreferrer noopener" target="_blank">
            {t('open')}
            <span className="visually-hidden"> ({who})</span>
          </a>
        </>
      )}
      {delivery.state === 'failed' && <span className="delivery-why"> — {delivery.failureReason ?? delivery.lastError ?? t('noReason')}</span>}
      {delivery.state === 'cancelled' && delivery.cancelReason && <span className="delivery-why"> — {delivery.cancelReason}</span>}
      {holder && (
        <span className="delivery-why">
          {' '}
          — <Link href={`/strikes/${holder.id}`}>{t('heldBy', { title: holder.title })}</Link>
        </span>
      )}
    </span>
  );
}

/** The strike holding a delivery: the strike in force covering its account and time. */
export function heldBy(delivery: Delivery, account: Account | undefined, strikes: Strike[]): Strike | null {
  const at = new Date(delivery.scheduledAt).getTime();
  return (
    strikes.find(
      (s) =>
        (s.state === 'running' || s.state === 'approved' || s.state === 'ended') &&
        (s.allAccounts || (account && s.accountIds.includes(account.id))) &&
        new Date(s.startsAt).getTime() <= at &&
        at < new Date(s.endsAt).getTime(),
    ) ?? null
  );
}
