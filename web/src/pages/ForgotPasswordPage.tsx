import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { AuthForm, AuthLink } from '../components/AuthForm';
import { Field } from '../components/Field';
import { FormError, Notice } from '../components/FormError';
import { PageHeader } from '../components/PageHeader';
import { Loading } from '../components/PageState';
import { useI18n } from '../i18n';

/** "Forgot password?": asks for the reset e-mail, or says who can help when the server sends none. */
export function ForgotPasswordPage() {
  const { t } = useI18n();
  const [localError, setLocalError] = useState<string | null>(null);
  const options = useQuery({ queryKey: ['password-reset'], queryFn: api.passwordResetOptions, retry: false });
  const send = useMutation({ mutationFn: (email: string) => api.requestPasswordReset(email) });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget).get('email') ?? '').trim();
    send.reset();
    if (!email) return setLocalError(t('error.required', { field: t('field.email') }));
    setLocalError(null);
    send.mutate(email);
  };

  const back = <AuthLink to="/login">{t('forgot.toLogin')}</AuthLink>;
  if (options.isPending) return <Loading />;
  if (!options.data?.byEmail) {
    return (
      <>
        <PageHeader title={t('forgot.title')} />
        <FormError error={options.error} />
        <p className="muted form-lead" data-testid="forgot-no-email">
          {t('forgot.noEmail')}
        </p>
        {back}
      </>
    );
  }
  return (
    <>
      <PageHeader title={t('forgot.title')} lead={t('forgot.lead')} />
      {send.isSuccess ? (
        <Notice>{t('forgot.sent', { email: send.variables })}</Notice>
      ) : (
        <AuthForm
          onSubmit={submit}
          localError={localError}
          error={send.error}
          pending={send.isPending}
          label={t('forgot.submit')}
          pendingLabel={t('forgot.submitting')}
        >
          <Field id="forgot-email" label={t('field.email')}>
            <input id="forgot-email" name="email" type="email" autoComplete="email" required />
          </Field>
        </AuthForm>
      )}
      {back}
    </>
  );
}
