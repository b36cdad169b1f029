import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { Field, hintId } from '../components/Field';
import { FormError } from '../components/FormError';
import { PageHeader } from '../components/PageHeader';
import { SubmitButton } from '../components/SubmitButton';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { useSignedIn } from './useSignedIn';

export const MIN_PASSWORD = 10;

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
      <form className="form" onSubmit={submit} noValidate>
        <FormError
          message={localError}
          error={signup.error}
          fields={{
            email: t('field.email'),
            password: t('field.password'),
            accountName: t('signup.accountName'),
            name: t('signup.yourName'),
          }}
        />
        <Field id="signup-email" label={t('field.email')}>
          <input id="signup-email" name="email" type="email" autoComplete="email" required />
        </Field>
        <Field id="signup-password" label={t('field.password')} hint={t('signup.passwordHint')}>
          <input
            id="signup-password"
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD}
            required
            aria-describedby={hintId('signup-password')}
          />
        </Field>
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
        <SubmitButton
          pending={signup.isPending}
          label={t('signup.submit')}
          pendingLabel={t('signup.submitting')}
          block
        />
      </form>
      <p className="auth-switch">
        {t('signup.haveAccount')} <Link to="/login">{t('signup.toLogin')}</Link>
      </p>
    </>
  );
}
