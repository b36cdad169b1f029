import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { AuthForm, AuthLink, MIN_PASSWORD, NewPasswordField } from '../components/AuthForm';
import { Field } from '../components/Field';
import { FormError } from '../components/FormError';
import { PageHeader } from '../components/PageHeader';
import { Loading } from '../components/PageState';
import { useI18n } from '../i18n';
import type { Params } from '../router';
import { useSignedIn } from './useSignedIn';

export function InvitePage({ params }: { params: Params }) {
  const token = params.token ?? '';
  const { t } = useI18n();
  const signedIn = useSignedIn();
  const [localError, setLocalError] = useState<string | null>(null);
  const info = useQuery({ queryKey: ['invite', token], queryFn: () => api.inviteInfo(token), retry: false });
  const accept = useMutation({
    mutationFn: (v: { password: string; name?: string }) => api.acceptInvite(token, v.password, v.name),
    onSuccess: signedIn,
  });

  if (info.isPending) return <Loading />;
  if (info.isError) {
    return (
      <>
        <PageHeader title={t('invite.invalidTitle')} />
        <FormError error={info.error} />
        <AuthLink to="/login">{t('invite.toLogin')}</AuthLink>
      </>
    );
  }

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const password = String(data.get('password') ?? '');
    const name = String(data.get('name') ?? '').trim();
    accept.reset();
    if (password.length < MIN_PASSWORD) return setLocalError(t('error.passwordShort', { min: MIN_PASSWORD }));
    setLocalError(null);
    accept.mutate({ password, name: name || undefined });
  };

  return (
    <>
      <PageHeader
        title={t('invite.title')}
        lead={t('invite.text', { account: info.data.accountName, role: t(`role.${info.data.role}`) })}
      />
      <p className="muted form-lead">{t('invite.lead')}</p>
      <AuthForm
        onSubmit={submit}
        localError={localError}
        error={accept.error}
        pending={accept.isPending}
        label={t('invite.submit')}
        pendingLabel={t('invite.submitting')}
      >
        <Field id="invite-email" label={t('field.email')}>
          <input id="invite-email" type="email" value={info.data.email} readOnly autoComplete="username" />
        </Field>
        <Field id="invite-name" label={t('signup.yourName')} optional>
          <input id="invite-name" name="name" autoComplete="name" />
        </Field>
        <NewPasswordField id="invite-password" name="password" />
      </AuthForm>
    </>
  );
}
