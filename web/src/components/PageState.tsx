import { ApiError } from '../api/client';
import { useI18n } from '../i18n';

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
