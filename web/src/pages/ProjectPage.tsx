import { useProject } from '../api/queries';
import { useCurrentMe, usePermissions } from '../components/MeContext';
import { BackLink, PageHeader } from '../components/PageHeader';
import { PageQueryState } from '../components/PageState';
import { useI18n } from '../i18n';
import { Link, type Params } from '../router';
import { DangerCard } from './project/DangerCard';
import { HitsCard } from './project/HitsCard';
import { InstallCard } from './project/InstallCard';
import { IntegrationsCard } from './project/IntegrationsCard';
import { KeysCard } from './project/KeysCard';
import { SettingsCard } from './project/SettingsCard';

export function ProjectPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const { t } = useI18n();
  const { account } = useCurrentMe();
  const { canWrite } = usePermissions();
  const query = useProject(id);

  const back = <BackLink to="/">{t('project.back')}</BackLink>;
  if (query.isPending || query.isError) return <PageQueryState query={query} back={back} />;
  const project = query.data;

  return (
    <>
      {back}
      <PageHeader
        title={project.name}
        lead={project.domains.join(', ') || undefined}
        actions={
          <>
            <Link to={`/projects/${project.id}/amocrm`} className="btn btn-secondary">
              amoCRM
            </Link>
            <Link to={`/projects/${project.id}/email`} className="btn btn-secondary">
              E-mail
            </Link>
            <Link to={`/projects/${project.id}/leads`} className="btn btn-primary" data-testid="leads-link">
              {t('project.leads')}
            </Link>
          </>
        }
      />
      <div className="grid-main">
        <div className="stack">
          <InstallCard project={project} />
          <KeysCard project={project} />
        </div>
        <div className="stack">
          <HitsCard project={project} timezone={account.timezone} />
          <SettingsCard project={project} accountTimezone={account.timezone} />
          <IntegrationsCard project={project} />
          {canWrite && <DangerCard project={project} />}
        </div>
      </div>
    </>
  );
}
