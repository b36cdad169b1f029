import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError, isApiError } from '../api/client';
import { useI18n } from '../i18n';
import { PageHeader } from './PageHeader';

export function Loading() {
  const { t } = useI18n();
  return (
    <div className="state" role="status">
      <span className="spinner" aria-hidden="true" />
      {t('common.loading')}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const text =
    error instanceof ApiError
      ? error.status === 0
        ? t('error.network')
        : error.message
      : t('error.generic');
  return (
    <div className="card state-error" role="alert" data-testid="form-error">
      <h2>{t('error.title')}</h2>
      <p>{text}</p>
      {onRetry && (
        <button type="button" className="btn btn-secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/**
 * A list query's four states in one place: loading, failed (with retry), empty, or the list.
 * `padded` is for lists inside a flush card, whose messages need the card's padding.
 */
export function QueryList<T>({
  query,
  empty,
  padded = false,
  children,
}: {
  query: UseQueryResult<{ items: T[] }>;
  empty?: ReactNode;
  padded?: boolean;
  children: (items: T[]) => ReactNode;
}) {
  if (query.isPending) return <Loading />;
  if (query.isError) {
    const state = <ErrorState error={query.error} onRetry={() => query.refetch()} />;
    return padded ? <div className="card-pad">{state}</div> : state;
  }
  if (query.data.items.length === 0 && empty !== undefined) {
    return <p className={padded ? 'muted card-pad' : 'muted'}>{empty}</p>;
  }
  return <>{children(query.data.items)}</>;
}

/**
 * A page of one project (amoCRM, e-mail…) while its settings load: the way back to the project,
 * then loading, "no such project" (another account's or a malformed id) or the error with retry.
 * Null once the data is there: the page renders itself.
 */
export function ProjectSubpageState({
  query,
  back,
}: {
  query: UseQueryResult<unknown>;
  back: ReactNode;
}): ReactNode {
  const { t } = useI18n();
  if (query.isPending) return <Loading />;
  if (!query.isError) return null;
  if (isApiError(query.error, 404) || isApiError(query.error, 400))
    return (
      <>
        {back}
        <PageHeader title={t('project.notFound')} lead={t('project.notFoundText')} />
      </>
    );
  return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
}
