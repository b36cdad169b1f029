/** PostgreSQL's SQLSTATE for a unique constraint hit: the loser of a race gets a 409, not a 500. */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}
