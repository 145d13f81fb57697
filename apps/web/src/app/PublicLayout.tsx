import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch';

/** Pages reachable signed out: a plain header with the language switch. */
export function PublicLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <header className="app-header">
        <div className="app-header-row">
          <span className="brand">Piquet</span>
          <div className="who">
            <LanguageSwitch />
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="app-main app-main-narrow">
        {children}
      </main>
    </>
  );
}
