import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { api } from '../api/client';
import { useI18n } from '../i18n';
import { Link, navigate, usePath } from '../router';
import { LanguageSwitch } from './LanguageSwitch';
import { useCurrentMe } from './MeContext';

function Brand() {
  const { t } = useI18n();
  return (
    <span className="brand">
      <span className="brand-mark" aria-hidden="true" />
      {t('brand')}
    </span>
  );
}

/** The signed-in frame: header with navigation, account, language and log-out; then the page. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user, account } = useCurrentMe();
  const path = usePath();
  const queryClient = useQueryClient();
  const [leaving, setLeaving] = useState(false);

  const nav = [
    {
      to: '/',
      label: t('nav.projects'),
      active: path === '/' || path.startsWith('/projects') || path.startsWith('/leads'),
    },
    { to: '/users', label: t('nav.users'), active: path.startsWith('/users') },
    { to: '/settings', label: t('nav.settings'), active: path.startsWith('/settings') },
  ];

  const logout = async () => {
    setLeaving(true);
    try {
      await api.logout();
    } catch {
      // the session may already be gone; leave anyway
    }
    navigate('/login', { replace: true });
    queryClient.clear();
  };

  return (
    <div className="app">
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand-link">
            <Brand />
          </Link>
          <nav className="nav" aria-label={t('nav.main')}>
            {nav.map((n) => (
              <Link key={n.to} to={n.to} className="nav-link" aria-current={n.active ? 'page' : undefined}>
                {n.label}
              </Link>
            ))}
          </nav>
          <div className="topbar-side">
            <div className="whoami">
              <span className="whoami-account">{account.name}</span>
              <span className="whoami-email">{user.email}</span>
            </div>
            <LanguageSwitch />
            <button type="button" className="btn btn-ghost btn-sm" onClick={logout} disabled={leaving}>
              {t('nav.logout')}
            </button>
          </div>
        </div>
      </header>
      <main className="main">{children}</main>
      <footer className="footer">
        {/* a server page, not a cabinet route: a plain link */}
        <a href="/api/docs" className="footer-link" data-testid="api-docs-link">
          {t('footer.apiDocs')}
        </a>
      </footer>
    </div>
  );
}

/** The signed-out frame: a centred card with the brand and the language switch. */
export function AuthLayout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="auth">
      <div className="auth-top">
        <Brand />
        <LanguageSwitch />
      </div>
      <main className="auth-card card">{children}</main>
      <p className="auth-tagline">{t('tagline')}</p>
    </div>
  );
}
