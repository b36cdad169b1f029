import { useI18n } from '../i18n';

/** A form's primary submit button: disabled and relabelled while its request runs. */
export function SubmitButton({
  pending,
  label,
  pendingLabel,
  block = false,
}: {
  pending: boolean;
  /** full width (sign-in style forms) */
  block?: boolean;
  /** default: "Save" */
  label?: string;
  /** default: "Saving…" */
  pendingLabel?: string;
}) {
  const { t } = useI18n();
  return (
    <button
      type="submit"
      className={block ? 'btn btn-primary btn-block' : 'btn btn-primary'}
      disabled={pending}
    >
      {pending ? (pendingLabel ?? t('common.saving')) : (label ?? t('common.save'))}
    </button>
  );
}
