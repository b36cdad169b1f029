import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import type { AmoConnectionInput, AmoIntegration } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyButton } from '../../components/CopyButton';
import { Field, hintId } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { SubmitButton } from '../../components/SubmitButton';
import { type MessageKey, type Translate, useI18n } from '../../i18n';

/** Where amoCRM sends the browser back after "Allow" (to be entered in the amoCRM integration). */
const redirectUri = () => `${window.location.origin}/api/v1/integrations/amocrm/callback`;

function useSaveConnection(projectId: string, onSaved?: (r: AmoIntegration) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (connection: AmoConnectionInput) => api.saveAmocrm(projectId, { connection }),
    onSuccess: (r) => {
      queryClient.setQueryData(keys.amocrm(projectId), r);
      void queryClient.invalidateQueries({ queryKey: keys.amocrmOptions(projectId) });
      onSaved?.(r);
    },
  });
}

/** The account's subdomain and, under "Advanced", a custom server address (test setups). */
function AccountFields({
  prefix,
  subdomain,
  baseUrl,
  onSubdomain,
  onBaseUrl,
}: {
  prefix: string;
  subdomain: string;
  baseUrl: string;
  onSubdomain: (v: string) => void;
  onBaseUrl: (v: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <Field id={`${prefix}-subdomain`} label={t('amo.subdomain')} hint={t('amo.subdomainHint')}>
        <input
          id={`${prefix}-subdomain`}
          value={subdomain}
          onChange={(e) => onSubdomain(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          placeholder="acme"
          required
          aria-describedby={hintId(`${prefix}-subdomain`)}
        />
      </Field>
      <details className="advanced" open={baseUrl !== '' || undefined}>
        <summary>{t('amo.advanced')}</summary>
        <Field id={`${prefix}-base-url`} label={t('amo.baseUrl')} hint={t('amo.baseUrlHint')} optional>
          <input
            id={`${prefix}-base-url`}
            type="url"
            value={baseUrl}
            onChange={(e) => onBaseUrl(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            placeholder="https://amocrm.example.com"
            aria-describedby={hintId(`${prefix}-base-url`)}
          />
        </Field>
      </details>
    </>
  );
}

const CONNECTION_LABELS: Record<string, MessageKey> = {
  'body.connection.subdomain': 'amo.subdomain',
  'body.connection.baseUrl': 'amo.baseUrl',
  'body.connection.longLivedToken': 'amo.token',
  'body.connection.clientId': 'amo.clientId',
  'body.connection.clientSecret': 'amo.clientSecret',
};

/** Names the connection form's fields in the server's error details. */
const labels = (t: Translate) => (path: string) => {
  const key = CONNECTION_LABELS[path];
  return key ? t(key) : undefined;
};

const account = (subdomain: string, baseUrl: string) => ({
  subdomain: subdomain.trim(),
  ...(baseUrl.trim() ? { baseUrl: baseUrl.trim() } : {}),
});

export function TokenCard({ projectId }: { projectId: string }) {
  const { t } = useI18n();
  const [subdomain, setSubdomain] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [token, setToken] = useState('');
  const save = useSaveConnection(projectId);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate({ ...account(subdomain, baseUrl), longLivedToken: token.trim() });
  };
  return (
    <section className="card" aria-labelledby="amo-token-title">
      <h2 id="amo-token-title">{t('amo.tokenTitle')}</h2>
      <p className="muted small form-lead">{t('amo.tokenText')}</p>
      <form className="form" onSubmit={submit} data-testid="amo-token-form">
        <FormError error={save.error} labelFor={labels(t)} />
        <AccountFields
          prefix="amo-token"
          subdomain={subdomain}
          baseUrl={baseUrl}
          onSubdomain={setSubdomain}
          onBaseUrl={setBaseUrl}
        />
        <Field id="amo-token-value" label={t('amo.token')}>
          <textarea
            id="amo-token-value"
            className="mono"
            rows={3}
            value={token}
            onChange={(e) => setToken(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            required
          />
        </Field>
        <div className="form-actions">
          <SubmitButton
            pending={save.isPending}
            label={t('amo.connect')}
            pendingLabel={t('amo.connecting')}
          />
        </div>
      </form>
    </section>
  );
}

export function OAuthCard({ projectId }: { projectId: string }) {
  const { t } = useI18n();
  const [subdomain, setSubdomain] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const save = useSaveConnection(projectId);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate({
      ...account(subdomain, baseUrl),
      clientId: clientId.trim(),
      clientSecret: clientSecret.trim(),
    });
  };
  return (
    <section className="card" aria-labelledby="amo-oauth-title">
      <h2 id="amo-oauth-title">{t('amo.oauthTitle')}</h2>
      <p className="muted small form-lead">{t('amo.oauthText')}</p>
      <form className="form" onSubmit={submit} data-testid="amo-oauth-form">
        <FormError error={save.error} labelFor={labels(t)} />
        <div className="field">
          <span className="field-label">{t('amo.redirectUri')}</span>
          <div className="copy-field">
            <input value={redirectUri()} readOnly aria-label={t('amo.redirectUri')} />
            <CopyButton text={redirectUri()} />
          </div>
        </div>
        <AccountFields
          prefix="amo-oauth"
          subdomain={subdomain}
          baseUrl={baseUrl}
          onSubdomain={setSubdomain}
          onBaseUrl={setBaseUrl}
        />
        <Field id="amo-client-id" label={t('amo.clientId')}>
          <input
            id="amo-client-id"
            value={clientId}
            onChange={(e) => setClientId(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            required
          />
        </Field>
        <Field id="amo-client-secret" label={t('amo.clientSecret')}>
          <input
            id="amo-client-secret"
            type="password"
            value={clientSecret}
            onChange={(e) => setClientSecret(e.target.value)}
            autoComplete="off"
            required
          />
        </Field>
        <div className="form-actions">
          <SubmitButton
            pending={save.isPending}
            label={t('amo.oauthSave')}
            pendingLabel={t('amo.oauthSaving')}
          />
        </div>
      </form>
    </section>
  );
}

/** OAuth keys are saved; the user still has to allow access in amoCRM, which sends them back here. */
export function PendingCard({ projectId, integration }: { projectId: string; integration: AmoIntegration }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  // A fresh authorization link (its state is single use): asked for when the page was reloaded.
  const authorize = useMutation({
    mutationFn: () => api.saveAmocrm(projectId, {}),
    onSuccess: (r) => {
      if (r.authorizeUrl) window.location.assign(r.authorizeUrl);
    },
  });
  return (
    <section className="card card-narrow" aria-labelledby="amo-pending-title">
      <h2 id="amo-pending-title">{t('amo.oauthPendingTitle')}</h2>
      <p className="form-lead">{t('amo.oauthPendingText')}</p>
      <p className="muted small form-lead">
        {t('amo.address')}: <code>{integration.connection?.baseUrl}</code>
      </p>
      <FormError error={authorize.error} />
      <div className="form-actions">
        {integration.authorizeUrl ? (
          <a className="btn btn-primary" href={integration.authorizeUrl} data-testid="amo-authorize">
            {t('amo.authorize')}
          </a>
        ) : (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => authorize.mutate()}
            disabled={authorize.isPending}
            data-testid="amo-authorize"
          >
            {authorize.isPending ? t('amo.authorizing') : t('amo.authorize')}
          </button>
        )}
        <ConfirmButton
          label={t('amo.oauthRestart')}
          title={t('amo.oauthRestartTitle')}
          text={t('amo.oauthRestartText')}
          className="btn btn-secondary"
          onConfirm={async () => {
            await api.disconnectAmocrm(projectId);
            await queryClient.invalidateQueries({ queryKey: keys.amocrm(projectId), exact: true });
          }}
        />
      </div>
    </section>
  );
}
