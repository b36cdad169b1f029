import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client';
import { keys, useTokens } from '../api/queries';
import type { AccountPatch, CreatedApiToken, Lang, Me, MePatch } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { CopyButton } from '../components/CopyButton';
import { Field, hintId } from '../components/Field';
import { FormError, Notice } from '../components/FormError';
import { useCurrentMe, usePermissions } from '../components/MeContext';
import { PageHeader } from '../components/PageHeader';
import { QueryList } from '../components/PageState';
import { CurrencySelect, LanguageSelect, TimezoneSelect } from '../components/Selects';
import { SubmitButton } from '../components/SubmitButton';
import { useI18n } from '../i18n';
import { useFormat } from '../lib/format';
import { MIN_PASSWORD } from './SignupPage';

function AccountCard() {
  const { t } = useI18n();
  const { account } = useCurrentMe();
  const { canWrite } = usePermissions();
  const queryClient = useQueryClient();
  const [name, setName] = useState(account.name);
  const [timezone, setTimezone] = useState(account.timezone);
  const [currency, setCurrency] = useState(account.currency);
  const [language, setLanguage] = useState<Lang>(account.language);
  const save = useMutation({
    mutationFn: (patch: AccountPatch) => api.updateAccount(patch),
    onSuccess: (updated) => {
      queryClient.setQueryData<Me>(keys.me, (old) => (old ? { ...old, account: updated } : old));
    },
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate({ name: name.trim(), timezone, currency, language });
  };

  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">{t('settings.accountTitle')}</h2>
      {!canWrite && <p className="muted small note">{t('settings.accountReadOnly')}</p>}
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={save.error} />
        {save.isSuccess && <Notice>{t('common.saved')}</Notice>}
        <fieldset disabled={!canWrite} className="fieldset-plain">
          <Field id="account-name" label={t('settings.accountName')}>
            <input id="account-name" value={name} onChange={(e) => setName(e.target.value)} required />
          </Field>
          <div className="form-row">
            <Field id="account-timezone" label={t('field.timezone')}>
              <TimezoneSelect
                id="account-timezone"
                value={timezone}
                onChange={(e) => setTimezone(e.target.value)}
              />
            </Field>
            <Field id="account-currency" label={t('field.currency')}>
              <CurrencySelect
                id="account-currency"
                value={currency}
                onChange={(e) => setCurrency(e.target.value)}
              />
            </Field>
          </div>
          <Field
            id="account-language"
            label={t('settings.accountLanguage')}
            hint={t('settings.accountLanguageHint')}
          >
            <LanguageSelect
              id="account-language"
              value={language}
              onChange={(e) => setLanguage(e.target.value as Lang)}
              aria-describedby={hintId('account-language')}
            />
          </Field>
        </fieldset>
        {canWrite && (
          <div className="form-actions">
            <SubmitButton pending={save.isPending} />
          </div>
        )}
      </form>
    </section>
  );
}

function ProfileCard() {
  const { t, lang, setLang } = useI18n();
  const { user } = useCurrentMe();
  const queryClient = useQueryClient();
  const [name, setName] = useState(user.name);
  const [language, setLanguage] = useState<Lang>(lang);
  // The header switch changes the UI language; keep this select showing it.
  useEffect(() => setLanguage(lang), [lang]);
  const save = useMutation({
    mutationFn: (patch: MePatch) => api.updateMe(patch),
    onSuccess: (me, patch) => {
      queryClient.setQueryData(keys.me, me);
      if (patch.language) setLang(patch.language);
    },
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    save.mutate({ name: name.trim(), language });
  };

  return (
    <section className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">{t('settings.profileTitle')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={save.error} />
        {save.isSuccess && <Notice>{t('common.saved')}</Notice>}
        <Field id="profile-email" label={t('field.email')}>
          <input id="profile-email" value={user.email} readOnly />
        </Field>
        <Field id="profile-name" label={t('settings.yourName')}>
          <input
            id="profile-name"
            autoComplete="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field id="profile-language" label={t('settings.uiLanguage')}>
          <LanguageSelect
            id="profile-language"
            value={language}
            onChange={(e) => setLanguage(e.target.value as Lang)}
          />
        </Field>
        <div className="form-actions">
          <SubmitButton pending={save.isPending} />
        </div>
      </form>
    </section>
  );
}

function PasswordCard() {
  const { t } = useI18n();
  const { user } = useCurrentMe();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [revokeApiTokens, setRevokeApiTokens] = useState(false);
  const [localError, setLocalError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (password: NonNullable<MePatch['password']>) => api.updateMe({ password }),
    onSuccess: (_me, password) => {
      setCurrent('');
      setNext('');
      setRevokeApiTokens(false);
      if (password.revokeApiTokens) void queryClient.invalidateQueries({ queryKey: keys.tokens });
    },
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    change.reset();
    if (!current) return setLocalError(t('error.required', { field: t('settings.currentPassword') }));
    if (next.length < MIN_PASSWORD) return setLocalError(t('error.passwordShort', { min: MIN_PASSWORD }));
    setLocalError(null);
    change.mutate({ current, new: next, revokeApiTokens });
  };

  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">{t('settings.passwordTitle')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={localError} error={change.error} />
        {change.isSuccess && <Notice>{t('settings.passwordChanged')}</Notice>}
        {/* lets password managers tie the new password to the account */}
        <input type="email" value={user.email} autoComplete="username" readOnly hidden />
        <Field id="password-current" label={t('settings.currentPassword')}>
          <input
            id="password-current"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </Field>
        <Field id="password-new" label={t('settings.newPassword')} hint={t('signup.passwordHint')}>
          <input
            id="password-new"
            type="password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD}
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
            aria-describedby={hintId('password-new')}
          />
        </Field>
        <div className="field">
          <p className="muted small">{t('settings.passwordEndsSessions')}</p>
          <label className="check-line">
            <input
              id="password-revoke-tokens"
              type="checkbox"
              checked={revokeApiTokens}
              onChange={(e) => setRevokeApiTokens(e.target.checked)}
            />
            {t('settings.passwordRevokeTokens')}
          </label>
        </div>
        <div className="form-actions">
          <SubmitButton pending={change.isPending} label={t('settings.passwordSubmit')} />
        </div>
      </form>
    </section>
  );
}

function TokensCard() {
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
        <Field id="token-name" label={t('settings.tokenName')}>
          <input
            id="token-name"
            value={name}
            placeholder={t('settings.tokenNamePlaceholder')}
            onChange={(e) => setName(e.target.value)}
            maxLength={100}
            required
          />
        </Field>
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
          <div className="table-wrap">
            <table className="table" data-testid="tokens-list">
              <thead>
                <tr>
                  <th scope="col">{t('settings.colName')}</th>
                  <th scope="col">{t('settings.colPrefix')}</th>
                  <th scope="col">{t('settings.colCreated')}</th>
                  <th scope="col">{t('settings.colLastUsed')}</th>
                  <th scope="col" className="col-actions">
                    <span className="visually-hidden">{t('common.revoke')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
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
                      <ConfirmButton
                        label={t('common.revoke')}
                        title={t('settings.revokeTitle', { name: tok.name })}
                        text={t('settings.revokeText')}
                        confirmLabel={t('common.revoke')}
                        danger
                        onConfirm={async () => {
                          await api.revokeToken(tok.id);
                          if (created?.id === tok.id) setCreated(null);
                          await queryClient.invalidateQueries({ queryKey: keys.tokens });
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryList>
    </section>
  );
}

export function SettingsPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('settings.title')} lead={t('settings.lead')} />
      <div className="grid-two">
        <AccountCard />
        <div className="stack">
          <ProfileCard />
          <PasswordCard />
        </div>
      </div>
      <div className="stack-gap">
        <TokensCard />
      </div>
    </>
  );
}
