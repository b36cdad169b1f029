import { hintId } from '../../components/Field';

export const errorId = (id: string) => `${id}-error`;

/** What the server said about one field, under it. */
export function FieldErrors({ id, errors }: { id: string; errors?: string[] }) {
  if (!errors) return null;
  return (
    <p className="field-error" id={errorId(id)} data-testid="field-error">
      {errors.join(' · ')}
    </p>
  );
}

/** A control's `aria-invalid` and `aria-describedby`: its error (if any) and its hint (if it has one). */
export function described(id: string, errors: string[] | undefined, hint = true) {
  const ids = [errors ? errorId(id) : null, hint ? hintId(id) : null].filter(Boolean);
  return {
    'aria-invalid': errors ? true : undefined,
    'aria-describedby': ids.length > 0 ? ids.join(' ') : undefined,
  } as const;
}
