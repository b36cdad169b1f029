import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import type { Lang, MePatch } from '../../api/types';
import { Field, TextField } from '../../components/Field';
import { FormError, Notice } from '../../components/FormError';
import { useCurrentMe } from '../../components/MeContext';
import { LanguageField } from '../../components/Selects';
import { SubmitButton } from '../../components/SubmitButton';
import { useI18n } from '../../i18n';

/** Your name and the language of the cabinet. */
export function ProfileCard() {
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
        <TextField
          id="profile-name"
          label={t('settings.yourName')}
          autoComplete="name"
          value={name}
          onChange={setName}
        />
        <LanguageField
          id="profile-language"
          label={t('settings.uiLanguage')}
          value={language}
          onChange={(v) => setLanguage(v as Lang)}
        />
        <div className="form-actions">
          <SubmitButton pending={save.isPending} />
        </div>
      </form>
    </section>
  );
}
