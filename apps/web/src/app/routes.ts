import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Role } from '../api/views';

export interface AppRoute {
  /** wouter pattern: `/posts/:id`. */
  path: string;
  /** Loaded on first visit: each page is its own chunk, so the first load stays small. */
  page: LazyExoticComponent<ComponentType>;
  /** Reachable signed out (sign-in, invitation). */
  public?: boolean;
  /** Listed in the main navigation under this `common:nav.<key>` label. */
  nav?: string;
  /** Shown in the navigation only to these roles (the API still decides). */
  roles?: Role[];
}

// Order matters: first match wins, and navigation follows this order.
export const ROUTES: AppRoute[] = [
  { path: '/signin', page: lazy(() => import('../pages/auth/SignInPage')), public: true },
  { path: '/invite/:token', page: lazy(() => import('../pages/auth/InvitePage')), public: true },
  { path: '/queue', page: lazy(() => import('../pages/queue/QueuePage')), nav: 'queue' },
  { path: '/posts/new', page: lazy(() => import('../pages/composer/ComposerPage')), nav: 'compose', roles: ['admin', 'community_manager'] },
  { path: '/posts/:id', page: lazy(() => import('../pages/composer/ComposerPage')) },
  { path: '/accounts', page: lazy(() => import('../pages/accounts/AccountsPage')), nav: 'accounts' },
  // Strike pages (pages/strikes): /strikes/new before /strikes/:id, first match wins.
  { path: '/strikes', page: lazy(() => import('../pages/strikes/StrikesPage')), nav: 'strikes' },
  { path: '/strikes/new', page: lazy(() => import('../pages/strikes/StrikeComposerPage')) },
  { path: '/strikes/:id/edit', page: lazy(() => import('../pages/strikes/StrikeComposerPage')) },
  { path: '/strikes/:id/live', page: lazy(() => import('../pages/strikes/LivePage')) },
  { path: '/strikes/:id/held', page: lazy(() => import('../pages/strikes/HeldPage')) },
  { path: '/strikes/:id/report', page: lazy(() => import('../pages/strikes/ReportPage')) },
  { path: '/strikes/:id', page: lazy(() => import('../pages/strikes/StrikePage')) },
  { path: '/motions/:id', page: lazy(() => import('../pages/strikes/MotionPage')) },
  { path: '/sites', page: lazy(() => import('../pages/sites/SitesPage')), nav: 'sites' },
  { path: '/organisation', page: lazy(() => import('../pages/organisation/OrganisationPage')), nav: 'organisation' },
  { path: '/me', page: lazy(() => import('../pages/me/MePage')) },
];
