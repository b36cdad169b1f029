import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client';
import { keys } from '../api/queries';
import { Field, hintId } from '../components/Field';
import { FormError } from '../components/FormError';
import { useCurrentMe } from '../components/MeContext';
import { BackLink, PageHeader } from '../components/PageHeader';
import { CurrencyField, TimezoneField } from '../components/Selects';
import { SubmitButton } from '../components/SubmitButton';
import { useI18n } from '../i18n';
import { DEFAULT_CURRENCY, DEFAULT_TIMEZONE, parseDomains } from '../lib/options';
import { Link, navigate } from '../router';

export function NewProjectPage() {
  const { t } = useI18n();
  const { account } = useCurrentMe();
  const queryClient = useQueryClient();
  const [timezone, setTimezone] = useState(account.timezone || DEFAULT_TIMEZONE);
  const [currency, setCurrency] = useState(account.currency || DEFAULT_CURRENCY);
  const [localError, setLocalError] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: api.createProject,
    onSuccess: (project) => {
      queryClient.setQueryData(keys.project(project.id), project);
      void queryClient.invalidateQueries({ queryKey: keys.projects, exact: true });
      navigate(`/projects/${project.id}`);
    },
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const name = String(data.get('name') ?? '').trim();
    const domains = parseDomains(String(data.get('domains') ?? ''));
    create.reset();
    if (!name) return setLocalError(t('error.required', { field: t('newProject.name') }));
    setLocalError(null);
    create.mutate({ name, domains, timezone, currency });
  };

  return (
    <>
      <BackLink to="/">{t('project.back')}</BackLink>
      <PageHeader title={t('newProject.title')} lead={t('newProject.lead')} />
      <div className="card card-narrow">
        <form className="form" onSubmit={submit} noValidate>
          <FormError
            message={localError}
            error={create.error}
            fields={{
              name: t('newProject.name'),
              domains: t('newProject.domains'),
              timezone: t('field.timezone'),
              currency: t('field.currency'),
            }}
          />
          <Field id="project-name" label={t('newProject.name')}>
            <input id="project-name" name="name" placeholder={t('newProject.namePlaceholder')} required />
          </Field>
          <Field id="project-domains" label={t('newProject.domains')} hint={t('newProject.domainsHint')}>
            <textarea
              id="project-domains"
              name="domains"
              rows={3}
              placeholder="example.ru"
              spellCheck={false}
              aria-describedby={hintId('project-domains')}
            />
          </Field>
          <div className="form-row">
            <TimezoneField
              id="project-timezone"
              hint={t('newProject.timezoneHint')}
              value={timezone}
              onChange={setTimezone}
            />
            <CurrencyField id="project-currency" value={currency} onChange={setCurrency} />
          </div>
          <div className="form-actions">
            <SubmitButton
              pending={create.isPending}
              label={t('newProject.submit')}
              pendingLabel={t('newProject.submitting')}
            />
            <Link to="/" className="btn btn-secondary">
              {t('common.cancel')}
            </Link>
          </div>
        </form>
      </div>
    </>
  );
}
