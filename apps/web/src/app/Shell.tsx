import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { callRaw } from '../api/client';
import { LanguageSwitch } from './LanguageSwitch';
import { ROUTES } from './routes';
import { useSignedIn } from './session';
import { VoteBanner } from './VoteBanner';

/** Everything around a signed-in page: skip link, header, navigation, vote banner, main landmark. */
export function Shell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { member, organisation, refresh } = useSignedIn();
  const [location, navigate] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After a navigation, focus moves to the new page (screen readers announce it), and the session
  // is asked again so the vote banner stays true.
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
    void refresh();
  }, [location, refresh]);

  const signOut = async () => {
    try {
      await callRaw('POST', '/v1/auth/logout');
    } finally {
      await refresh();
      navigate('/signin');
    }
  };

  const nav = ROUTES.filter((r) => r.nav && (!r.roles || r.roles.includes(member.role)));
  return (
    <>
      <a className="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <header className="app-header">
        <div className="app-header-row">
          <Link href="/queue" className="brand">
            Piquet
          </Link>
          <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((o) => !o)}>
            {t('shell.menu')}
          </button>
          <nav id="main-nav" aria-label={t('shell.navigation')} className={menuOpen ? 'main-nav open' : 'main-nav'}>
            <ul>
              {nav.map((r) => (
                <li key={r.path}>
                  <Link href={r.path} aria-current={location === r.path ? 'page' : undefined}>
                    {t(`nav.${r.nav}`)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <div className="who">
            <span className="who-org">{organisation.name}</span>
            <Link href="/me" className="who-member" aria-current={location === '/me' ? 'page' : undefined}>
              {member.name}
              <span className="visually-hidden"> — {t('nav.me')}</span>
            </Link>
            <LanguageSwitch />
            <button type="button" className="button-quiet" onClick={() => void signOut()}>
              {t('action.signOut')}
            </button>
          </div>
        </div>
      </header>
      <VoteBanner />
      <main id="main" ref={main} tabIndex={-1} className="app-main">
        {children}
      </main>
    </>
  );
}
