import { useState } from 'react';
import { useAmoCrm, useAmoOptions, useProject } from '../api/queries';
import type { AmoIntegration } from '../api/types';
import { Notice } from '../components/FormError';
import { usePermissions } from '../components/MeContext';
import { BackLink, PageHeader } from '../components/PageHeader';
import { ErrorState, Loading, PageQueryState } from '../components/PageState';
import { useI18n } from '../i18n';
import type { Params } from '../router';
import { OAuthCard, PendingCard, TokenCard } from './amocrm/ConnectCards';
import { ConnectionCard } from './amocrm/ConnectionCard';
import { LogCard } from './amocrm/LogCard';
import { ProblemBanner } from './amocrm/ProblemBanner';
import { SettingsForm } from './amocrm/SettingsForm';

/** What amoCRM's OAuth redirect said (`?connected=1` / `?error=…`); read once, then dropped from the URL. */
function useOAuthOutcome(): { connected: boolean; error: string | null } {
  const [outcome] = useState(() => {
    const q = new URLSearchParams(window.location.search);
    const result = { connected: q.get('connected') === '1', error: q.get('error') };
    if (q.has('connected') || q.has('error')) window.history.replaceState(null, '', window.location.pathname);
    return result;
  });
  return outcome;
}

function ConnectView({ projectId, integration }: { projectId: string; integration: AmoIntegration }) {
  const { t } = useI18n();
  const { canWrite } = usePermissions();
  if (integration.connection) return <PendingCard projectId={projectId} integration={integration} />;
  if (!canWrite)
    return (
      <section className="card card-narrow">
        <p>{t('amo.notConnected')}</p>
        <p className="muted small">{t('amo.readOnly')}</p>
      </section>
    );
  return (
    <>
      <p className="amo-intro">{t('amo.howText')}</p>
      <div className="grid-two">
        <TokenCard projectId={projectId} />
        <OAuthCard projectId={projectId} />
      </div>
    </>
  );
}

function ConnectedView({ projectId, integration }: { projectId: string; integration: AmoIntegration }) {
  const { t } = useI18n();
  const options = useAmoOptions(projectId, true);
  return (
    <div className="stack">
      <ConnectionCard projectId={projectId} integration={integration} />
      {options.isPending ? (
        <Loading />
      ) : options.isError ? (
        <div className="stack">
          <p className="alert alert-error">{t('amo.optionsError')}</p>
          <ErrorState error={options.error} onRetry={() => options.refetch()} />
        </div>
      ) : (
        <SettingsForm projectId={projectId} integration={integration} options={options.data} />
      )}
      <LogCard projectId={projectId} />
    </div>
  );
}

export function AmoCrmPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const { t } = useI18n();
  const project = useProject(id);
  const query = useAmoCrm(id);
  const outcome = useOAuthOutcome();

  const back = <BackLink to={`/projects/${id}`}>{t('amo.back')}</BackLink>;
  if (query.isPending || query.isError) return <PageQueryState query={query} back={back} />;
  const integration = query.data;

  return (
    <>
      {back}
      <PageHeader
        title={t('amo.title')}
        lead={project.data ? t('amo.lead', { project: project.data.name }) : undefined}
        actions={
          <span
            className={`badge ${integration.problem ? 'badge-fail' : integration.connected ? 'badge-ok' : 'badge-wait'}`}
            data-testid="amo-status"
          >
            {integration.problem
              ? t('amo.problem.badge')
              : integration.connected
                ? t('amo.connected')
                : integration.connection
                  ? t('amo.waiting')
                  : t('amo.notConnected')}
          </span>
        }
      />
      {integration.problem && <ProblemBanner problem={integration.problem} />}
      {(outcome.connected || outcome.error) && (
        <div className="amo-outcome">
          {outcome.connected && integration.connected && <Notice>{t('amo.connectedNotice')}</Notice>}
          {outcome.error && (
            <p className="alert alert-error" role="alert" data-testid="amo-oauth-error">
              {t('amo.errorNotice', { error: outcome.error })}
            </p>
          )}
        </div>
      )}
      {integration.connected ? (
        <ConnectedView projectId={id} integration={integration} />
      ) : (
        <ConnectView projectId={id} integration={integration} />
      )}
    </>
  );
}
