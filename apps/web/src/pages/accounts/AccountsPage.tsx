import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearch } from 'wouter';
import { api, call } from '../../api/client';
import type { Account } from '../../api/views';
import { useSignedIn } from '../../app/session';
import { FormMessage } from '../../ui/Field';
import { Empty, Loaded } from '../../ui/States';
import { useLoad } from '../../ui/useLoad';
import { usePageTitle } from '../../ui/usePageTitle';
import { AccountCard } from './AccountCard';
import { ConnectForms } from './ConnectForms';

/** `/accounts`: connected accounts, their state and what their servers can do; connect and reconnect. */
export default function AccountsPage() {
  const { t } = useTranslation('accounts');
  usePageTitle(t('title'));
  const { member } = useSignedIn();
  const canManage = member.role === 'admin' || member.role === 'community_manager';
  const accounts = useLoad(() => call<Account[]>(api.GET('/v1/accounts')), []);
  const connected = new URLSearchParams(useSearch()).get('connected');
  const [reconnecting, setReconnecting] = useState<Account | null>(null);
  const [done, setDone] = useState<string | null>(null);

  return (
    <>
      <h1>{t('title')}</h1>
      <Loaded state={accounts}>
        {(list) => {
          const justConnected = connected ? list.find((a) => a.id === connected) : undefined;
          return (
            <>
              {justConnected && <FormMessage kind="success">{t('connected', { handle: justConnected.handle })}</FormMessage>}
              <FormMessage kind="success">{done}</FormMessage>
              {list.length === 0 ? (
                <Empty>{canManage ? t('emptyManage') : t('empty')}</Empty>
              ) : (
                <ul className="plain account-list">
                  {list.map((a) => (
                    <li key={a.id}>
                      <AccountCard
                        account={a}
                        canManage={canManage}
                        onReconnect={() => setReconnecting(a)}
                        onDisconnected={(message) => {
                          setDone(message);
                          accounts.reload();
                        }}
                      />
                    </li>
                  ))}
                </ul>
              )}
            </>
          );
        }}
      </Loaded>
      {canManage && (
        <ConnectForms
          reconnecting={reconnecting}
          onConnected={(a) => {
            setReconnecting(null);
            setDone(t('connected', { handle: a.handle }));
            accounts.reload();
          }}
        />
      )}
    </>
  );
}
