import { ApiError, type ErrorDetail } from '../api/client';
import { useI18n } from '../i18n';

function detailList(details: unknown): ErrorDetail[] {
  if (!Array.isArray(details)) return [];
  return details.filter(
    (d): d is ErrorDetail =>
      typeof d === 'object' && d !== null && typeof (d as ErrorDetail).message === 'string',
  );
}

/** `body.domains.1` → the form's label for `domains` (or the path without `body.` when unknown). */
function fieldName(path: string, fields: Record<string, string>): string {
  const parts = path.replace(/^body\./, '').split('.');
  const label = fields[parts[0] ?? ''];
  return label ?? parts.join('.');
}

interface FormErrorProps {
  error?: unknown;
  message?: string | null;
  /** Labels of the form's fields by API name, to name the fields in validation details. */
  fields?: Record<string, string>;
  /** Names a detail's path where the first segment is not enough (nested settings); undefined: as above. */
  labelFor?: (path: string) => string | undefined;
  /** Said instead of the server's message (its details are still listed). */
  summary?: string;
}

/** The server's localised message (and field details), or our own text for local checks. */
export function FormError({ error, message, fields = {}, labelFor, summary }: FormErrorProps) {
  const { t } = useI18n();
  if (!error && !message) return null;
  let text = message ?? t('error.generic');
  let details: ErrorDetail[] = [];
  if (!message && error instanceof ApiError) {
    text = error.status === 0 ? t('error.network') : (summary ?? error.message);
    details = detailList(error.details);
  }
  return (
    <div className="alert alert-error" role="alert" data-testid="form-error">
      <p>{text}</p>
      {details.length > 0 && (
        <ul className="alert-details" aria-label={t('error.details')}>
          {details.map((d, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: details have no identity and never reorder
            <li key={i}>
              {d.path ? <strong>{labelFor?.(d.path) ?? fieldName(d.path, fields)}: </strong> : null}
              {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ children }: { children: string }) {
  return (
    <p className="alert alert-success" role="status">
      {children}
    </p>
  );
}
