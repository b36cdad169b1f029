import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { FormError } from './FormError';

interface ConfirmButtonProps {
  label: string;
  title: string;
  text: string;
  confirmLabel?: string;
  danger?: boolean;
  className?: string;
  onConfirm: () => Promise<unknown>;
}

/** A button that asks first, in a modal <dialog>, and shows the server's error there if the action fails. */
export function ConfirmButton({
  label,
  title,
  text,
  confirmLabel,
  danger,
  className,
  onConfirm,
}: ConfirmButtonProps) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      ref.current?.close();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button
        type="button"
        className={className ?? (danger ? 'btn btn-danger-ghost btn-sm' : 'btn btn-secondary btn-sm')}
        onClick={() => {
          setError(null);
          ref.current?.showModal();
        }}
      >
        {label}
      </button>
      <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={() => setError(null)}>
        <h2 id={titleId}>{title}</h2>
        <p>{text}</p>
        <FormError error={error} />
        <div className="dialog-actions">
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => ref.current?.close()}
            disabled={busy}
          >
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className={danger ? 'btn btn-danger' : 'btn btn-primary'}
            onClick={confirm}
            disabled={busy}
          >
            {confirmLabel ?? t('common.confirm')}
          </button>
        </div>
      </dialog>
    </>
  );
}

/** A list row's destructive action ("Remove", "Revoke"): asks, runs, then reloads the list. */
export function ConfirmRemove({
  label,
  title,
  text,
  run,
  list,
}: {
  label: string;
  title: string;
  text: string;
  run: () => Promise<unknown>;
  /** the list query to reload once done */
  list: QueryKey;
}) {
  const queryClient = useQueryClient();
  return (
    <ConfirmButton
      label={label}
      title={title}
      text={text}
      confirmLabel={label}
      danger
      onConfirm={async () => {
        await run();
        await queryClient.invalidateQueries({ queryKey: list });
      }}
    />
  );
}
