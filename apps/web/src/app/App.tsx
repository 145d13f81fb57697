import { Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { ErrorState, Loading } from '../ui/States';
import { NotFoundPage } from '../pages/NotFoundPage';
import { ROUTES, type AppRoute } from './routes';
import { SessionProvider, useSession } from './session';
import { Shell } from './Shell';
import { PublicLayout } from './PublicLayout';

/** Signed-out visitors of a member page go to sign-in, and come back after. */
function Guarded({ route }: { route: AppRoute }) {
  const { session, error, refresh } = useSession();
  const [location] = useLocation();
  const Page = route.page;
  if (!session) return error ? <ErrorState error={error} onRetry={() => void refresh()} /> : <Loading />;
  if (route.public) {
    return (
      <PublicLayout>
        <Suspense fallback={<Loading />}>
          <Page />
        </Suspense>
      </PublicLayout>
    );
  }
  if (!session.signedIn) return <Redirect to={`/signin?next=${encodeURIComponent(location)}`} replace />;
  return (
    <Shell>
      <Suspense fallback={<Loading />}>
        <Page />
      </Suspense>
    </Shell>
  );
}

function Home() {
  const { session } = useSession();
  if (!session) return <Loading />;
  return <Redirect to={session.signedIn ? '/queue' : '/signin'} replace />;
}

export function App() {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = t('app.title');
  }, [t]);
  return (
    <SessionProvider>
      <Switch>
        <Route path="/" component={Home} />
        {ROUTES.map((r) => (
          <Route key={r.path} path={r.path}>
            <Guarded route={r} />
          </Route>
        ))}
        <Route>
          <PublicLayout>
            <NotFoundPage />
          </PublicLayout>
        </Route>
      </Switch>
    </SessionProvider>
  );
}
