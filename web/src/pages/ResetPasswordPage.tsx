import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { Field, hintId } from '../components/Field';
import { FormError, Notice } from '../components/FormError';
import { PageHeader } from '../components/PageHeader';
import { SubmitButton } from '../components/SubmitButton';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { MIN_PASSWORD } from './SignupPage';

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
        <p className="auth-switch">
          <Link to={reset.isSuccess ? '/login' : '/forgot-password'}>
            {reset.isSuccess ? t('forgot.toLogin') : t('reset.again')}
          </Link>
        </p>
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('reset.title')} lead={t('reset.lead')} />
      <form className="form" onSubmit={submit} noValidate>
        <FormError message={localError} error={reset.error} />
        <Field id="reset-password" label={t('settings.newPassword')} hint={t('signup.passwordHint')}>
          <input
            id="reset-password"
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD}
            required
            aria-describedby={hintId('reset-password')}
          />
        </Field>
        <SubmitButton
          pending={reset.isPending}
          label={t('reset.submit')}
          pendingLabel={t('reset.submitting')}
          block
        />
      </form>
      {reset.isError && (
        <p className="auth-switch">
          <Link to="/forgot-password">{t('reset.again')}</Link>
        </p>
      )}
    </>
  );
}
