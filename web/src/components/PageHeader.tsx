import { type ReactNode, useEffect } from 'react';
import { useI18n } from '../i18n';
import { Link } from '../router';

/** The page's <h1>, an optional lead line and actions; also names the browser tab. */
export function PageHeader({
  title,
  lead,
  actions,
}: {
  title: string;
  lead?: ReactNode;
  actions?: ReactNode;
}) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · ${t('brand')}`;
  }, [title, t]);
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {lead && <p className="page-lead">{lead}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

/** The way back to the page above (the project, the list), above a page's header. */
export function BackLink({ to, children }: { to: string; children: string }) {
  return (
    <Link to={to} className="back-link">
      {children}
    </Link>
  );
}
