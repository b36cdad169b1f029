import type { ReactNode } from 'react';
import type { LeadType } from '../api/types';
import { useI18n } from '../i18n';

const paths: Record<LeadType, ReactNode> = {
  form: (
    <>
      <path d="M14 3H6.5A1.5 1.5 0 0 0 5 4.5v15A1.5 1.5 0 0 0 6.5 21h11a1.5 1.5 0 0 0 1.5-1.5V8z" />
      <path d="M14 3v5h5M9 13h6M9 17h6" />
    </>
  ),
  phone: (
    <path d="M21 16.5v3a1.5 1.5 0 0 1-1.64 1.5 18.5 18.5 0 0 1-8.07-2.87 18.2 18.2 0 0 1-5.6-5.6A18.5 18.5 0 0 1 2.82 4.4 1.5 1.5 0 0 1 4.3 2.75h3a1.5 1.5 0 0 1 1.5 1.3c.13.96.36 1.9.7 2.8a1.5 1.5 0 0 1-.34 1.58L7.9 9.7a15 15 0 0 0 5.6 5.6l1.27-1.27a1.5 1.5 0 0 1 1.58-.34c.9.34 1.84.57 2.8.7A1.5 1.5 0 0 1 21 16.5z" />
  ),
  chat: (
    <path d="M20.5 11.5a8 8 0 0 1-11.8 7.05L3.5 20l1.45-4.9A8 8 0 1 1 20.5 11.5z M8.5 11.5h.01M12.5 11.5h.01M16.5 11.5h.01" />
  ),
  email: (
    <>
      <rect x="3" y="5" width="18" height="14" rx="2" />
      <path d="m3.5 6.5 8.5 6.5 8.5-6.5" />
    </>
  ),
  offline: (
    <>
      <path d="M3.5 9 5 4h14l1.5 5M4.5 9v11h15V9M3.5 9h17" />
      <path d="M10 20v-5.5h4V20" />
    </>
  ),
};

export function LeadTypeIcon({ type }: { type: LeadType }) {
  return (
    <svg
      className={`lead-icon lead-icon-${type}`}
      viewBox="0 0 24 24"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {paths[type]}
    </svg>
  );
}

/** The type's icon and its name; the name is the accessible label, the icon is decoration. */
export function LeadTypeLabel({ type }: { type: LeadType }) {
  const { t } = useI18n();
  return (
    <span className={`lead-type lead-type-${type}`}>
      <span className="lead-type-mark">
        <LeadTypeIcon type={type} />
      </span>
      {t(`leadType.${type}`)}
    </span>
  );
}
