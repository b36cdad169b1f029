import type { ReactNode } from 'react';
import { useProjects } from '../api/queries';
import { useCurrentMe, usePermissions } from '../components/MeContext';
import { PageHeader } from '../components/PageHeader';
import { ErrorState, Loading } from '../components/PageState';
import { useI18n } from '../i18n';
import { useFormat } from '../lib/format';
import { Link } from '../router';

export function ProjectsPage() {
  const { t } = useI18n();
  const { account } = useCurrentMe();
  const { canWrite } = usePermissions();
  const fmt = useFormat(account.timezone);
  const projects = useProjects();

  const create = canWrite ? (
    <Link to="/projects/new" className="btn btn-primary">
      + {t('projects.create')}
    </Link>
  ) : null;

  let body: ReactNode;
  if (projects.isPending) body = <Loading />;
  else if (projects.isError) body = <ErrorState error={projects.error} onRetry={() => projects.refetch()} />;
  else if (projects.data.items.length === 0) {
    body = (
      <div className="card empty" data-testid="projects-list">
        <div className="empty-art" aria-hidden="true">
          <span />
          <span />
          <span />
        </div>
        <h2>{t('projects.emptyTitle')}</h2>
        <p>{canWrite ? t('projects.emptyText') : t('projects.emptyViewer')}</p>
        {create}
      </div>
    );
  } else {
    body = (
      <div className="card card-flush table-wrap">
        <table className="table" data-testid="projects-list">
          <thead>
            <tr>
              <th scope="col">{t('projects.colName')}</th>
              <th scope="col">{t('projects.colDomains')}</th>
              <th scope="col">{t('projects.colStatus')}</th>
              <th scope="col" className="hide-sm">
                {t('projects.colCreated')}
              </th>
              <th scope="col" className="col-actions">
                <span className="visually-hidden">{t('project.leads')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {projects.data.items.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/projects/${p.id}`} className="row-link" data-testid="project-link">
                    {p.name}
                  </Link>
                </td>
                <td>
                  {p.domains.length > 0 ? (
                    <span className="chips">
                      {p.domains.map((d) => (
                        <span key={d} className="chip">
                          {d}
                        </span>
                      ))}
                    </span>
                  ) : (
                    <span className="muted">{t('common.none')}</span>
                  )}
                </td>
                <td>
                  {p.lastHitAt ? (
                    <span className="badge badge-ok">{t('projects.statusLive')}</span>
                  ) : (
                    <span className="badge badge-wait">{t('projects.statusWaiting')}</span>
                  )}
                </td>
                <td className="nowrap hide-sm">{fmt.date(p.createdAt)}</td>
                <td className="col-actions">
                  <Link
                    to={`/projects/${p.id}/leads`}
                    className="btn btn-secondary btn-sm"
                    data-testid="project-leads-link"
                  >
                    {t('project.leads')}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  return (
    <>
      <PageHeader
        title={t('projects.title')}
        lead={t('projects.lead')}
        actions={projects.data && projects.data.items.length > 0 ? create : null}
      />
      {body}
    </>
  );
}
