import type { ReactNode } from 'react';
import { useProjects } from '../api/queries';
import { Chips } from '../components/Chips';
import { ListTable } from '../components/ListTable';
import { useCurrentMe, usePermissions } from '../components/MeContext';
import { PageHeader } from '../components/PageHeader';
import { EmptyCard, ErrorState, Loading } from '../components/PageState';
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
      <EmptyCard
        title={t('projects.emptyTitle')}
        text={canWrite ? t('projects.emptyText') : t('projects.emptyViewer')}
        art
        testId="projects-list"
      >
        {create}
      </EmptyCard>
    );
  } else {
    body = (
      <ListTable
        className="card card-flush"
        testId="projects-list"
        columns={[
          t('projects.colName'),
          t('projects.colDomains'),
          t('projects.colStatus'),
          { label: t('projects.colCreated'), className: 'hide-sm' },
        ]}
        actions={t('project.leads')}
      >
        {projects.data.items.map((p) => (
          <tr key={p.id}>
            <td>
              <Link to={`/projects/${p.id}`} className="row-link" data-testid="project-link">
                {p.name}
              </Link>
            </td>
            <td>
              <Chips items={p.domains} empty={t('common.none')} />
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
      </ListTable>
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
