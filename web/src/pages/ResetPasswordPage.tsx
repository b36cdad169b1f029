import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { AuthForm, AuthLink, MIN_PASSWORD, NewPasswordField } from '../components/AuthForm';
import { FormError, Notice } from '../components/FormError';
import { PageHeader } from '../components/PageHeader';
import { useI18n } from '../i18n';

/** `/reset-password?token=…`, the page a reset link opens: sets the new password. */
export function ResetPasswordPage() {
  const { t } = useI18n();
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const [localError, setLocalError] = useState<string | null>(null);
  const reset = useMutation({ mutationFn: (password: string) => api.confirmPasswordReset(token, password) });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password') ?? '');
    reset.reset();
    if (password.length < MIN_PASSWORD) return setLocalError(t('error.passwordShort', { min: MIN_PASSWORD }));
    setLocalError(null);
    reset.mutate(password);
  };

  if (!token || reset.isSuccess) {
    return (
      <>
        <PageHeader title={t('reset.title')} />
        {reset.isSuccess ? <Notice>{t('reset.done')}</Notice> : <FormError message={t('reset.noToken')} />}
        <AuthLink to={reset.isSuccess ? '/login' : '/forgot-password'}>
          {reset.isSuccess ? t('forgot.toLogin') : t('reset.again')}
        </AuthLink>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('reset.title')} lead={t('reset.lead')} />
      <AuthForm
        onSubmit={submit}
        localError={localError}
        error={reset.error}
        pending={reset.isPending}
        label={t('reset.submit')}
        pendingLabel={t('reset.submitting')}
      >
        <NewPasswordField id="reset-password" name="password" label={t('settings.newPassword')} />
      </AuthForm>
      {reset.isError && <AuthLink to="/forgot-password">{t('reset.again')}</AuthLink>}
    </>
  );
}
