import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { AuthForm, AuthLink, MIN_PASSWORD, NewPasswordField } from '../components/AuthForm';
import { Field } from '../components/Field';
import { PageHeader } from '../components/PageHeader';
import { useI18n } from '../i18n';
import { useSignedIn } from './useSignedIn';

export function SignupPage() {
  const { t, lang } = useI18n();
  const signedIn = useSignedIn();
  const [localError, setLocalError] = useState<string | null>(null);
  const signup = useMutation({ mutationFn: api.signup, onSuccess: signedIn });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const value = (k: string) => String(data.get(k) ?? '').trim();
    const email = value('email');
    const password = String(data.get('password') ?? '');
    const accountName = value('accountName');
    const name = value('name');
    signup.reset();
    if (!email) return setLocalError(t('error.required', { field: t('field.email') }));
    if (password.length < MIN_PASSWORD) return setLocalError(t('error.passwordShort', { min: MIN_PASSWORD }));
    if (!accountName) return setLocalError(t('error.required', { field: t('signup.accountName') }));
    setLocalError(null);
    // The account starts in the language the person signed up in.
    signup.mutate({ email, password, accountName, name: name || undefined, language: lang });
  };

  return (
    <>
      <PageHeader title={t('signup.title')} lead={t('signup.lead')} />
      <AuthForm
        onSubmit={submit}
        localError={localError}
        error={signup.error}
        fields={{
          email: t('field.email'),
          password: t('field.password'),
          accountName: t('signup.accountName'),
          name: t('signup.yourName'),
        }}
        pending={signup.isPending}
        label={t('signup.submit')}
        pendingLabel={t('signup.submitting')}
      >
        <Field id="signup-email" label={t('field.email')}>
          <input id="signup-email" name="email" type="email" autoComplete="email" required />
        </Field>
        <NewPasswordField id="signup-password" name="password" />
        <Field id="signup-account" label={t('signup.accountName')}>
          <input
            id="signup-account"
            name="accountName"
            autoComplete="organization"
            placeholder={t('signup.accountNamePlaceholder')}
            required
          />
        </Field>
        <Field id="signup-name" label={t('signup.yourName')} optional>
          <input id="signup-name" name="name" autoComplete="name" />
        </Field>
      </AuthForm>
      <AuthLink to="/login" before={t('signup.haveAccount')}>
        {t('signup.toLogin')}
      </AuthLink>
    </>
  );
}
