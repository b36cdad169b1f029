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

/** What a page says when its subject does not exist (or is another account's): the way back, and why. */
export function NotFound({ back, title, text }: { back: ReactNode; title: string; text: string }) {
  return (
    <>
      {back}
      <PageHeader title={title} lead={text} />
    </>
  );
}

/**
 * A page while its main query loads: the way back, then loading, "not found" (another account's or a
 * malformed id; by default "no such project") or the error with retry. Null once the data is there:
 * the page renders itself.
 */
export function PageQueryState({
  query,
  back,
  notFound,
}: {
  query: UseQueryResult<unknown>;
  back: ReactNode;
  notFound?: { title: string; text: string };
}): ReactNode {
  const { t } = useI18n();
  if (query.isPending) return <Loading />;
  if (!query.isError) return null;
  if (isApiError(query.error, 404) || isApiError(query.error, 400))
    return (
      <NotFound
        back={back}
        title={notFound?.title ?? t('project.notFound')}
        text={notFound?.text ?? t('project.notFoundText')}
      />
    );
  return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
}

/** A card saying a list is empty, with what to do about it; `art` draws the empty-list picture. */
export function EmptyCard({
  title,
  text,
  art = false,
  testId,
  children,
}: {
  title: string;
  text: string;
  art?: boolean;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <div className={art ? 'card empty' : 'card empty empty-sm'} data-testid={testId}>
      {art && (
        <div className="empty-art" aria-hidden="true">
          <span />
          <span />
          <span />
        </div>
      )}
      <h2>{title}</h2>
      <p>{text}</p>
      {children}
    </div>
  );
}

/** "Show more" under a list read page by page. */
export function MoreButton({
  list,
  label,
  loadingLabel,
  small = false,
}: {
  list: { fetchNextPage: () => unknown; isFetchingNextPage: boolean };
  label: string;
  loadingLabel: string;
  small?: boolean;
}) {
  return (
    <button
      type="button"
      className={small ? 'btn btn-secondary btn-sm' : 'btn btn-secondary'}
      onClick={() => list.fetchNextPage()}
      disabled={list.isFetchingNextPage}
    >
      {list.isFetchingNextPage ? loadingLabel : label}
    </button>
  );
}
