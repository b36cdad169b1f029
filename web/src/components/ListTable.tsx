import type { ReactNode } from 'react';

export type Column = string | { label: string; className?: string };

/**
 * A list as a table: the column heads, then the caller's rows. With `actions`, a last column for
 * each row's buttons, headed for screen readers only.
 */
export function ListTable({
  columns,
  actions,
  testId,
  bodyTestId,
  className,
  tableClassName,
  children,
}: {
  columns: readonly Column[];
  actions?: string;
  /** on the table */
  testId?: string;
  /** on its body */
  bodyTestId?: string;
  /** more classes for the scrolling wrapper (e.g. a flush card) */
  className?: string;
  tableClassName?: string;
  children: ReactNode;
}) {
  return (
    <div className={className ? `${className} table-wrap` : 'table-wrap'}>
      <table className={tableClassName ? `table ${tableClassName}` : 'table'} data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => {
              const { label, className: cls } =
                typeof c === 'string' ? { label: c, className: undefined } : c;
              return (
                <th key={label} scope="col" className={cls}>
                  {label}
                </th>
              );
            })}
            {actions !== undefined && (
              <th scope="col" className="col-actions">
                <span className="visually-hidden">{actions}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody data-testid={bodyTestId}>{children}</tbody>
      </table>
    </div>
  );
}
