import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import type { AmoConnectionInput, AmoIntegration } from '../../api/types';
import { ConfirmButton } from '../../components/ConfirmButton';
import { CopyButton } from '../../components/CopyButton';
import { Field, TextField } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { SubmitButton } from '../../components/SubmitButton';
import { type MessageKey, type Translate, useI18n } from '../../i18n';

/** Where amoCRM sends the browser back after "Allow" (to be entered in the amoCRM integration). */
const redirectUri = () => `${window.location.origin}/api/v1/integrations/amocrm/callback`;

function useSaveConnection(projectId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (connection: AmoConnectionInput) => api.saveAmocrm(projectId, { connection }),
    onSuccess: (r) => {
      queryClient.setQueryData(keys.amocrm(projectId), r);
      void queryClient.invalidateQueries({ queryKey: keys.amocrmOptions(projectId) });
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
      <TextField
        id={`${prefix}-subdomain`}
        label={t('amo.subdomain')}
        hint={t('amo.subdomainHint')}
        value={subdomain}
        onChange={onSubdomain}
        autoComplete="off"
        spellCheck={false}
        placeholder="acme"
        required
      />
      <details className="advanced" open={baseUrl !== '' || undefined}>
        <summary>{t('amo.advanced')}</summary>
        <TextField
          id={`${prefix}-base-url`}
          label={t('amo.baseUrl')}
          hint={t('amo.baseUrlHint')}
          optional
          type="url"
          value={baseUrl}
          onChange={onBaseUrl}
          autoComplete="off"
          spellCheck={false}
          placeholder="https://amocrm.example.com"
        />
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

/**
 * A way to connect, as a card: the account's fields, this way's own credentials (`children`, read by
 * `credentials` on submit), and its submit button.
 */
function ConnectCard({
  projectId,
  way,
  title,
  text,
  label,
  pendingLabel,
  before,
  credentials,
  children,
}: {
  projectId: string;
  /** in the card's ids: amo-{way}-… */
  way: 'token' | 'oauth';
  title: string;
  text: string;
  label: string;
  pendingLabel: string;
  /** shown above the account's fields */
  before?: ReactNode;
  credentials: () => { longLivedToken: string } | { clientId: string; clientSecret: string };
  children: ReactNode;
}) {
  const { t } = useI18n();
  const [subdomain, setSubdomain] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const save = useSaveConnection(projectId);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate({ ...account(subdomain, baseUrl), ...credentials() });
  };
  return (
    <section className="card" aria-labelledby={`amo-${way}-title`}>
      <h2 id={`amo-${way}-title`}>{title}</h2>
      <p className="muted small form-lead">{text}</p>
      <form className="form" onSubmit={submit} data-testid={`amo-${way}-form`}>
        <FormError error={save.error} labelFor={labels(t)} />
        {before}
        <AccountFields
          prefix={`amo-${way}`}
          subdomain={subdomain}
          baseUrl={baseUrl}
          onSubdomain={setSubdomain}
          onBaseUrl={setBaseUrl}
        />
        {children}
        <div className="form-actions">
          <SubmitButton pending={save.isPending} label={label} pendingLabel={pendingLabel} />
        </div>
      </form>
    </section>
  );
}

export function TokenCard({ projectId }: { projectId: string }) {
  const { t } = useI18n();
  const [token, setToken] = useState('');
  return (
    <ConnectCard
      projectId={projectId}
      way="token"
      title={t('amo.tokenTitle')}
      text={t('amo.tokenText')}
      label={t('amo.connect')}
      pendingLabel={t('amo.connecting')}
      credentials={() => ({ longLivedToken: token.trim() })}
    >
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
    </ConnectCard>
  );
}

export function OAuthCard({ projectId }: { projectId: string }) {
  const { t } = useI18n();
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  return (
    <ConnectCard
      projectId={projectId}
      way="oauth"
      title={t('amo.oauthTitle')}
      text={t('amo.oauthText')}
      label={t('amo.oauthSave')}
      pendingLabel={t('amo.oauthSaving')}
      credentials={() => ({ clientId: clientId.trim(), clientSecret: clientSecret.trim() })}
      before={
        <div className="field">
          <span className="field-label">{t('amo.redirectUri')}</span>
          <div className="copy-field">
            <input value={redirectUri()} readOnly aria-label={t('amo.redirectUri')} />
            <CopyButton text={redirectUri()} />
          </div>
        </div>
      }
    >
      <TextField
        id="amo-client-id"
        label={t('amo.clientId')}
        value={clientId}
        onChange={setClientId}
        spellCheck={false}
        autoComplete="off"
        required
      />
      <TextField
        id="amo-client-secret"
        label={t('amo.clientSecret')}
        type="password"
        value={clientSecret}
        onChange={setClientSecret}
        autoComplete="off"
        required
      />
    </ConnectCard>
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
