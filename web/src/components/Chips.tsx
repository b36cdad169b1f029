import type { ReactNode } from 'react';

/** Short values side by side (a project's domains), or what to say when there are none. */
export function Chips({ items, empty }: { items: readonly string[]; empty: ReactNode }) {
  if (items.length === 0) return <span className="muted">{empty}</span>;
  return (
    <span className="chips">
      {items.map((d) => (
        <span key={d} className="chip">
          {d}
        </span>
      ))}
    </span>
  );
}
