import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { keys, useTokens } from '../../api/queries';
import type { CreatedApiToken } from '../../api/types';
import { ConfirmRemove } from '../../components/ConfirmButton';
import { CopyButton } from '../../components/CopyButton';
import { TextField } from '../../components/Field';
import { FormError } from '../../components/FormError';
import { ListTable } from '../../components/ListTable';
import { useCurrentMe } from '../../components/MeContext';
import { QueryList } from '../../components/PageState';
import { SubmitButton } from '../../components/SubmitButton';
import { useI18n } from '../../i18n';
import { useFormat } from '../../lib/format';

/** Personal API tokens: create one (shown once), see when each was last used, revoke. */
export function TokensCard() {
  const { t } = useI18n();
  const { account } = useCurrentMe();
  const fmt = useFormat(account.timezone);
  const queryClient = useQueryClient();
  const tokens = useTokens();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (n: string) => api.createToken(n),
    onSuccess: (tok) => {
      setCreated(tok);
      setName('');
      void queryClient.invalidateQueries({ queryKey: keys.tokens });
    },
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    create.reset();
    if (!name.trim()) return setLocalError(t('error.required', { field: t('settings.tokenName') }));
    setLocalError(null);
    setCreated(null);
    create.mutate(name.trim());
  };

  const [before, after] = t('settings.tokensLead').split('{header}');

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('settings.tokensTitle')}</h2>
      <p className="muted small">
        {before}
        <code>Authorization: Bearer …</code>
        {after}
      </p>
      <form className="form form-inline" onSubmit={submit} noValidate>
        <TextField
          id="token-name"
          label={t('settings.tokenName')}
          value={name}
          placeholder={t('settings.tokenNamePlaceholder')}
          onChange={setName}
          maxLength={100}
          required
        />
        <SubmitButton
          pending={create.isPending}
          label={t('settings.tokenCreate')}
          pendingLabel={t('settings.tokenCreating')}
        />
      </form>
      <div className="spaced">
        <FormError message={localError} error={create.error} />
      </div>
      {created && (
        <div className="reveal-box reveal-warn" data-testid="token-result">
          <h3>{t('settings.tokenCreated', { name: created.name })}</h3>
          <p className="small">
            <strong>{t('settings.tokenWarning')}</strong>
          </p>
          <label className="visually-hidden" htmlFor="token-value">
            {t('settings.tokenValue')}
          </label>
          <div className="copy-field">
            <input
              id="token-value"
              className="mono"
              value={created.token}
              readOnly
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={created.token} className="btn btn-primary btn-sm" />
          </div>
        </div>
      )}
      <QueryList query={tokens} empty={t('settings.tokensEmpty')}>
        {(items) => (
          <ListTable
            testId="tokens-list"
            columns={[
              t('settings.colName'),
              t('settings.colPrefix'),
              t('settings.colCreated'),
              t('settings.colLastUsed'),
            ]}
            actions={t('common.revoke')}
          >
            {items.map((tok) => (
              <tr key={tok.id}>
                <td>{tok.name}</td>
                <td>
                  <code>{tok.prefix}…</code>
                </td>
                <td className="nowrap">{fmt.date(tok.createdAt)}</td>
                <td className="nowrap">
                  {tok.lastUsedAt ? (
                    fmt.dateTime(tok.lastUsedAt)
                  ) : (
                    <span className="muted">{t('settings.neverUsed')}</span>
                  )}
                </td>
                <td className="col-actions">
                  <ConfirmRemove
                    label={t('common.revoke')}
                    title={t('settings.revokeTitle', { name: tok.name })}
                    text={t('settings.revokeText')}
                    run={async () => {
                      await api.revokeToken(tok.id);
                      if (created?.id === tok.id) setCreated(null);
                    }}
                    list={keys.tokens}
                  />
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </QueryList>
    </section>
  );
}
