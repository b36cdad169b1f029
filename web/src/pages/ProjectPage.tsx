import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, isApiError } from '../api/client';
import { keys, useAmoCrm, useEmailTracking, useProject } from '../api/queries';
import type { AttributionModel, Project } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { CopyButton } from '../components/CopyButton';
import { Field, hintId } from '../components/Field';
import { FormError } from '../components/FormError';
import { useCurrentMe, usePermissions } from '../components/MeContext';
import { PageHeader } from '../components/PageHeader';
import { ErrorState, Loading } from '../components/PageState';
import { CurrencySelect, TimezoneSelect } from '../components/Selects';
import { SubmitButton } from '../components/SubmitButton';
import { useI18n } from '../i18n';
import { currencyLabel, timezoneLabel, useFormat } from '../lib/format';
import { ATTRIBUTION_MODELS, minutesLabel, PHONE_REGIONS, regionLabel } from '../lib/leads';
import { parseDomains, withCurrent } from '../lib/options';
import { Link, navigate, type Params } from '../router';
import { ProblemBanner } from './amocrm/ProblemBanner';

/** Keeps the page and the list in step after any change the server answered with the new project. */
function useProjectSaved() {
  const queryClient = useQueryClient();
  return (project: Project) => {
    queryClient.setQueryData(keys.project(project.id), project);
    void queryClient.invalidateQueries({ queryKey: keys.projects, exact: true });
  };
}

function mask(secret: string): string {
  if (secret.length <= 12) return '•'.repeat(secret.length);
  return `${secret.slice(0, 7)}${'•'.repeat(16)}${secret.slice(-4)}`;
}

/** A copy-paste `curl` that sends an offline lead with the project's API key. */
function apiExample(apiKey: string): string {
  return [
    `curl -X POST ${window.location.origin}/api/v1/leads \\`,
    `  -H 'X-Api-Key: ${apiKey}' \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d '{"type":"offline",`,
    `       "contact":{"phone":"+79123456789","name":"Иван"},`,
    `       "externalId":"crm-1"}'`,
  ].join('\n');
}

function InstallCard({ project }: { project: Project }) {
  const { t } = useI18n();
  const [before, after] = t('project.installText').split('{tag}');
  return (
    <section className="card" aria-labelledby="install-title">
      <div className="card-head">
        <h2 id="install-title">{t('project.installTitle')}</h2>
        <CopyButton text={project.snippet} />
      </div>
      <p>
        {before}
        <code>&lt;/head&gt;</code>
        {after}
      </p>
      <pre className="snippet" data-testid="snippet">
        {project.snippet}
      </pre>
      <p className="muted small">{t('project.installNote')}</p>
    </section>
  );
}

function HitsCard({ project, timezone }: { project: Project; timezone: string }) {
  const { t } = useI18n();
  const fmt = useFormat(timezone);
  return (
    <section className="card" aria-labelledby="hits-title">
      <h2 id="hits-title">{t('project.hitsTitle')}</h2>
      <p className={`status-line ${project.lastHitAt ? 'is-live' : 'is-waiting'}`} data-testid="last-hit">
        <span className="status-dot" aria-hidden="true" />
        {project.lastHitAt
          ? t('project.lastHit', { date: fmt.dateTime(project.lastHitAt) })
          : t('project.noHits')}
      </p>
    </section>
  );
}

function KeysCard({ project }: { project: Project }) {
  const { t } = useI18n();
  const { canWrite } = usePermissions();
  const saved = useProjectSaved();
  const [revealed, setRevealed] = useState(false);

  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">{t('project.keysTitle')}</h2>
      <div className="key">
        <div className="key-head">
          <h3>{t('project.siteKey')}</h3>
          <div className="key-actions">
            <CopyButton text={project.siteKey} />
            {canWrite && (
              <ConfirmButton
                label={t('project.rotate')}
                title={t('project.rotateSiteTitle')}
                text={t('project.rotateSiteText')}
                confirmLabel={t('project.rotate')}
                danger
                onConfirm={async () => saved(await api.rotateSiteKey(project.id))}
              />
            )}
          </div>
        </div>
        <code className="key-value" data-testid="site-key">
          {project.siteKey}
        </code>
        <p className="muted small">{t('project.siteKeyHint')}</p>
      </div>
      <div className="key">
        <div className="key-head">
          <h3>{t('project.apiKey')}</h3>
          {project.apiKey !== null && (
            <div className="key-actions">
              <button
                type="button"
                className="btn btn-secondary btn-sm"
                aria-pressed={revealed}
                onClick={() => setRevealed(!revealed)}
              >
                {revealed ? t('project.hide') : t('project.reveal')}
              </button>
              <CopyButton text={project.apiKey} />
              {canWrite && (
                <ConfirmButton
                  label={t('project.rotate')}
                  title={t('project.rotateApiTitle')}
                  text={t('project.rotateApiText')}
                  confirmLabel={t('project.rotate')}
                  danger
                  onConfirm={async () => saved(await api.rotateApiKey(project.id))}
                />
              )}
            </div>
          )}
        </div>
        {project.apiKey !== null ? (
          <>
            <code className="key-value" data-testid="api-key">
              {revealed ? project.apiKey : mask(project.apiKey)}
            </code>
            <p className="muted small">{t('project.apiKeyHint')}</p>
            <div className="api-example">
              <div className="key-head">
                <h3>{t('project.apiExampleTitle')}</h3>
                <CopyButton text={apiExample(project.apiKey)} />
              </div>
              <p className="muted small">{t('project.apiExampleText')}</p>
              <pre className="snippet" data-testid="api-example">
                {apiExample(revealed ? project.apiKey : mask(project.apiKey))}
              </pre>
            </div>
          </>
        ) : (
          <p className="muted small">{t('project.apiKeyHidden')}</p>
        )}
      </div>
    </section>
  );
}

function SettingsCard({ project, accountTimezone }: { project: Project; accountTimezone: string }) {
  const { t, lang } = useI18n();
  const { canWrite } = usePermissions();
  const fmt = useFormat(accountTimezone);
  const saved = useProjectSaved();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(project.name);
  const [domains, setDomains] = useState('');
  const [timezone, setTimezone] = useState(project.timezone);
  const [currency, setCurrency] = useState(project.currency);
  const [attributionModel, setAttributionModel] = useState(project.attributionModel);
  const [windowMinutes, setWindowMinutes] = useState(String(project.duplicateWindowMinutes));
  const [phoneRegion, setPhoneRegion] = useState(project.phoneRegion);
  const [windowError, setWindowError] = useState(false);
  const update = useMutation({
    mutationFn: (patch: Parameters<typeof api.updateProject>[1]) => api.updateProject(project.id, patch),
    onSuccess: (p) => {
      saved(p);
      setEditing(false);
    },
  });

  const startEditing = () => {
    setName(project.name);
    setDomains(project.domains.join('\n'));
    setTimezone(project.timezone);
    setCurrency(project.currency);
    setAttributionModel(project.attributionModel);
    setWindowMinutes(String(project.duplicateWindowMinutes));
    setPhoneRegion(project.phoneRegion);
    setWindowError(false);
    update.reset();
    setEditing(true);
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const minutes = Number(windowMinutes.trim());
    const badWindow =
      windowMinutes.trim() === '' || !Number.isInteger(minutes) || minutes < 0 || minutes > 43_200;
    setWindowError(badWindow);
    if (badWindow) return;
    update.mutate({
      name: name.trim(),
      domains: parseDomains(domains),
      timezone,
      currency,
      attributionModel,
      duplicateWindowMinutes: minutes,
      phoneRegion,
    });
  };

  return (
    <section className="card" aria-labelledby="settings-title">
      <div className="card-head">
        <h2 id="settings-title">{t('project.settings')}</h2>
        {canWrite && !editing && (
          <button type="button" className="btn btn-secondary btn-sm" onClick={startEditing}>
            {t('common.edit')}
          </button>
        )}
      </div>
      {editing ? (
        <form className="form" onSubmit={submit} noValidate>
          <FormError
            error={update.error}
            fields={{
              name: t('project.name'),
              domains: t('project.domains'),
              timezone: t('field.timezone'),
              currency: t('field.currency'),
              attributionModel: t('project.attributionModel'),
              duplicateWindowMinutes: t('project.duplicateWindow'),
              phoneRegion: t('project.phoneRegion'),
            }}
          />
          <Field id="edit-name" label={t('project.name')}>
            <input id="edit-name" value={name} onChange={(e) => setName(e.target.value)} required />
          </Field>
          <Field id="edit-domains" label={t('project.domains')} hint={t('newProject.domainsHint')}>
            <textarea
              id="edit-domains"
              rows={3}
              value={domains}
              spellCheck={false}
              onChange={(e) => setDomains(e.target.value)}
              aria-describedby={hintId('edit-domains')}
            />
          </Field>
          <Field id="edit-timezone" label={t('field.timezone')}>
            <TimezoneSelect
              id="edit-timezone"
              value={timezone}
              onChange={(e) => setTimezone(e.target.value)}
            />
          </Field>
          <Field id="edit-currency" label={t('field.currency')}>
            <CurrencySelect
              id="edit-currency"
              value={currency}
              onChange={(e) => setCurrency(e.target.value)}
            />
          </Field>
          <h3 className="card-subhead">{t('project.leadSettings')}</h3>
          <Field
            id="edit-attribution"
            label={t('project.attributionModel')}
            hint={t('project.attributionHint')}
          >
            <select
              id="edit-attribution"
              value={attributionModel}
              onChange={(e) => setAttributionModel(e.target.value as AttributionModel)}
              aria-describedby={hintId('edit-attribution')}
            >
              {ATTRIBUTION_MODELS.map((m) => (
                <option key={m} value={m}>
                  {t(`attribution.${m}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field
            id="edit-window"
            label={t('project.duplicateWindow')}
            hint={windowError ? undefined : t('project.duplicateWindowHint')}
          >
            <input
              id="edit-window"
              type="number"
              inputMode="numeric"
              min={0}
              max={43_200}
              step={1}
              value={windowMinutes}
              onChange={(e) => {
                setWindowMinutes(e.target.value);
                setWindowError(false);
              }}
              aria-invalid={windowError || undefined}
              aria-describedby={windowError ? 'edit-window-error' : hintId('edit-window')}
            />
            {windowError && (
              <p className="field-error" id="edit-window-error" role="alert">
                {t('project.duplicateWindowInvalid')}
              </p>
            )}
          </Field>
          <Field id="edit-phone-region" label={t('project.phoneRegion')} hint={t('project.phoneRegionHint')}>
            <select
              id="edit-phone-region"
              value={phoneRegion}
              onChange={(e) => setPhoneRegion(e.target.value)}
              aria-describedby={hintId('edit-phone-region')}
            >
              {withCurrent(PHONE_REGIONS, phoneRegion).map((r) => (
                <option key={r} value={r}>
                  {regionLabel(r, lang)}
                </option>
              ))}
            </select>
          </Field>
          <div className="form-actions">
            <SubmitButton pending={update.isPending} />
            <button type="button" className="btn btn-secondary" onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <dl className="props">
          <dt>{t('project.domains')}</dt>
          <dd>
            {project.domains.length > 0 ? (
              <span className="chips">
                {project.domains.map((d) => (
                  <span key={d} className="chip">
                    {d}
                  </span>
                ))}
              </span>
            ) : (
              <span className="muted">{t('project.noDomains')}</span>
            )}
          </dd>
          <dt>{t('field.timezone')}</dt>
          <dd>{timezoneLabel(project.timezone, lang)}</dd>
          <dt>{t('field.currency')}</dt>
          <dd>{currencyLabel(project.currency, lang)}</dd>
          <dt>{t('project.created')}</dt>
          <dd>{fmt.dateTime(project.createdAt)}</dd>
          <dt className="props-group">{t('project.leadSettings')}</dt>
          <dd className="props-group" aria-hidden="true" />
          <dt>{t('project.attributionModel')}</dt>
          <dd data-testid="attribution-model">{t(`attribution.${project.attributionModel}`)}</dd>
          <dt>{t('project.duplicateWindowView')}</dt>
          <dd data-testid="duplicate-window">{minutesLabel(project.duplicateWindowMinutes, lang)}</dd>
          <dt>{t('project.phoneRegion')}</dt>
          <dd data-testid="phone-region">{regionLabel(project.phoneRegion, lang)}</dd>
        </dl>
      )}
    </section>
  );
}

/** E-mail tracking in the integrations card: set up or not, and a failing mailbox at a glance. */
function EmailRow({ projectId }: { projectId: string }) {
  const { t } = useI18n();
  const email = useEmailTracking(projectId);
  const failing = email.data?.mailboxes.some((m) => m.status === 'error');
  return (
    <div className="integration-row">
      <div>
        <Link to={`/projects/${projectId}/email`} className="row-link" data-testid="email-link">
          {t('email.title')}
        </Link>
        <p className="muted small">{t('email.cardText')}</p>
      </div>
      {email.data && (
        <span
          className={`badge ${failing ? 'badge-fail' : email.data.configured ? 'badge-ok' : 'badge-wait'}`}
        >
          {failing ? t('email.status.error') : email.data.configured ? t('email.on') : t('email.off')}
        </span>
      )}
    </div>
  );
}

function IntegrationsCard({ project }: { project: Project }) {
  const { t } = useI18n();
  const amo = useAmoCrm(project.id);
  const state = amo.data?.connected ? 'connected' : amo.data?.connection ? 'waiting' : 'notConnected';
  return (
    <section className="card" aria-labelledby="integrations-title">
      <h2 id="integrations-title">{t('amo.cardTitle')}</h2>
      <div className="integration-row">
        <div>
          <Link to={`/projects/${project.id}/amocrm`} className="row-link" data-testid="amocrm-link">
            amoCRM
          </Link>
          <p className="muted small">{t('amo.cardText')}</p>
        </div>
        {amo.data && (
          <span
            className={`badge ${amo.data.problem ? 'badge-fail' : state === 'connected' ? 'badge-ok' : 'badge-wait'}`}
          >
            {amo.data.problem ? t('amo.problem.badge') : t(`amo.${state}`)}
          </span>
        )}
      </div>
      {amo.data?.problem && <ProblemBanner problem={amo.data.problem} />}
      <EmailRow projectId={project.id} />
    </section>
  );
}

function DangerCard({ project }: { project: Project }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  return (
    <section className="card card-danger" aria-labelledby="danger-title">
      <h2 id="danger-title">{t('project.dangerTitle')}</h2>
      <p className="muted small">{t('project.dangerText')}</p>
      <ConfirmButton
        label={t('project.delete')}
        title={t('project.deleteTitle', { name: project.name })}
        text={t('project.deleteText')}
        confirmLabel={t('common.delete')}
        danger
        className="btn btn-danger"
        onConfirm={async () => {
          await api.deleteProject(project.id);
          navigate('/', { replace: true });
          queryClient.removeQueries({ queryKey: keys.project(project.id) });
          await queryClient.invalidateQueries({ queryKey: keys.projects, exact: true });
        }}
      />
    </section>
  );
}

export function ProjectPage({ params }: { params: Params }) {
  const id = params.id ?? '';
  const { t } = useI18n();
  const { account } = useCurrentMe();
  const { canWrite } = usePermissions();
  const query = useProject(id);

  if (query.isPending) return <Loading />;
  if (query.isError) {
    if (isApiError(query.error, 404) || isApiError(query.error, 400)) {
      return (
        <>
          <Link to="/" className="back-link">
            {t('project.back')}
          </Link>
          <PageHeader title={t('project.notFound')} lead={t('project.notFoundText')} />
        </>
      );
    }
    return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  }
  const project = query.data;

  return (
    <>
      <Link to="/" className="back-link">
        {t('project.back')}
      </Link>
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
