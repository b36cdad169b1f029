import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import type { AccountPatch, Lang, Me } from '../../api/types';
import { TextField } from '../../components/Field';
import { FormError, Notice } from '../../components/FormError';
import { useCurrentMe, usePermissions } from '../../components/MeContext';
import { CurrencyField, LanguageField, TimezoneField } from '../../components/Selects';
import { SubmitButton } from '../../components/SubmitButton';
import { useI18n } from '../../i18n';

/** The account's name, time zone, currency and language (owner, admin; read-only for viewers). */
export function AccountCard() {
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
          <TextField
            id="account-name"
            label={t('settings.accountName')}
            value={name}
            onChange={setName}
            required
          />
          <div className="form-row">
            <TimezoneField id="account-timezone" value={timezone} onChange={setTimezone} />
            <CurrencyField id="account-currency" value={currency} onChange={setCurrency} />
          </div>
          <LanguageField
            id="account-language"
            label={t('settings.accountLanguage')}
            hint={t('settings.accountLanguageHint')}
            value={language}
            onChange={(v) => setLanguage(v as Lang)}
          />
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
