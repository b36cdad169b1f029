import { type ComponentType, useEffect } from 'react';
import { isApiError } from './api/client';
import { useMe } from './api/queries';
import { AuthLayout, Layout } from './components/Layout';
import { MeContext } from './components/MeContext';
import { ErrorState, Loading } from './components/PageState';
import { I18nProvider } from './i18n';
import { AmoCrmPage } from './pages/AmoCrmPage';
import { EmailPage } from './pages/EmailPage';
import { ForgotPasswordPage } from './pages/ForgotPasswordPage';
import { InvitePage } from './pages/InvitePage';
import { LeadPage } from './pages/LeadPage';
import { LeadsPage } from './pages/LeadsPage';
import { LoginPage } from './pages/LoginPage';
import { NewProjectPage } from './pages/NewProjectPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { ProjectPage } from './pages/ProjectPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { ResetPasswordPage } from './pages/ResetPasswordPage';
import { SettingsPage } from './pages/SettingsPage';
import { SignupPage } from './pages/SignupPage';
import { UsersPage } from './pages/UsersPage';
import { matchPath, navigate, type Params, usePath } from './router';

type Page = ComponentType<{ params: Params }>;
interface Route {
  pattern: string;
  page: Page;
}

const publicRoutes: Route[] = [
  { pattern: '/login', page: LoginPage },
  { pattern: '/signup', page: SignupPage },
  { pattern: '/invite/:token', page: InvitePage },
  { pattern: '/forgot-password', page: ForgotPasswordPage },
  { pattern: '/reset-password', page: ResetPasswordPage },
];

const privateRoutes: Route[] = [
  { pattern: '/', page: ProjectsPage },
  { pattern: '/projects/new', page: NewProjectPage },
  { pattern: '/projects/:id', page: ProjectPage },
  { pattern: '/projects/:id/leads', page: LeadsPage },
  { pattern: '/projects/:id/amocrm', page: AmoCrmPage },
  { pattern: '/projects/:id/email', page: EmailPage },
  { pattern: '/leads/:id', page: LeadPage },
  { pattern: '/users', page: UsersPage },
  { pattern: '/settings', page: SettingsPage },
];

function resolve(routes: Route[], path: string): { page: Page; params: Params } | null {
  for (const r of routes) {
    const params = matchPath(r.pattern, path);
    if (params) return { page: r.page, params };
  }
  return null;
}

export const isPublicPath = (path: string) => resolve(publicRoutes, path) !== null;

export function App() {
  const path = usePath();
  const publicPage = resolve(publicRoutes, path);
  // Signed-in pages load /me; signed-out pages only read it if it is already cached.
  const me = useMe(!publicPage);
  const serverLang = me.data ? (me.data.user.language ?? me.data.account.language) : null;

  return (
    <I18nProvider serverLang={serverLang}>
      {publicPage ? (
        <AuthLayout>
          <publicPage.page params={publicPage.params} />
        </AuthLayout>
      ) : (
        <SignedIn path={path} me={me} />
      )}
    </I18nProvider>
  );
}

function SignedIn({ path, me }: { path: string; me: ReturnType<typeof useMe> }) {
  const unauthorized = isApiError(me.error, 401);
  useEffect(() => {
    if (unauthorized) navigate('/login', { replace: true });
  }, [unauthorized]);

  if (me.isPending || unauthorized) return <Loading />;
  if (me.isError) {
    return (
      <main className="main">
        <ErrorState error={me.error} onRetry={() => me.refetch()} />
      </main>
    );
  }
  const route = resolve(privateRoutes, path);
  return (
    <MeContext.Provider value={me.data}>
      <Layout>{route ? <route.page key={path} params={route.params} /> : <NotFoundPage />}</Layout>
    </MeContext.Provider>
  );
}
