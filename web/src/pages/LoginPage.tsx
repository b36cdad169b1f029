import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { AuthForm, AuthLink } from '../components/AuthForm';
import { Field } from '../components/Field';
import { PageHeader } from '../components/PageHeader';
import { useI18n } from '../i18n';
import { useSignedIn } from './useSignedIn';

export function LoginPage() {
  const { t } = useI18n();
  const signedIn = useSignedIn();
  const [localError, setLocalError] = useState<string | null>(null);
  const login = useMutation({
    mutationFn: (v: { email: string; password: string }) => api.login(v.email, v.password),
    onSuccess: signedIn,
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    login.reset();
    if (!email) return setLocalError(t('error.required', { field: t('field.email') }));
    if (!password) return setLocalError(t('error.required', { field: t('field.password') }));
    setLocalError(null);
    login.mutate({ email, password });
  };

  return (
    <>
      <PageHeader title={t('login.title')} lead={t('login.lead')} />
      <AuthForm
        onSubmit={submit}
        localError={localError}
        error={login.error}
        pending={login.isPending}
        label={t('login.submit')}
        pendingLabel={t('login.submitting')}
      >
        <Field id="login-email" label={t('field.email')}>
          <input id="login-email" name="email" type="email" autoComplete="email" required />
        </Field>
        <Field id="login-password" label={t('field.password')}>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
          />
        </Field>
      </AuthForm>
      <AuthLink to="/forgot-password">{t('login.forgot')}</AuthLink>
      <AuthLink to="/signup" before={t('login.noAccount')}>
        {t('login.toSignup')}
      </AuthLink>
    </>
  );
}
