import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { copyText } from '../lib/clipboard';

export function CopyButton({
  text,
  className = 'btn btn-secondary btn-sm',
}: {
  text: string;
  className?: string;
}) {
  const { t } = useI18n();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);

  return (
    <span className="copy">
      <button
        type="button"
        className={className}
        onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}
      >
        {state === 'copied' ? `✓ ${t('common.copied')}` : t('common.copy')}
      </button>
      <span className="copy-status" aria-live="polite">
        {state === 'failed' ? t('common.copyFailed') : ''}
      </span>
    </span>
  );
}
