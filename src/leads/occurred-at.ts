/**
 * When a lead may have happened: not before 2000 (a year 1 or 1970 date is a client's default
 * value, not a lead, and would sit at the far end of every report) and not in the future beyond
 * a few minutes of clock skew. The API and the CSV import hold to the same bounds.
 */
export const EARLIEST_OCCURRED_AT = new Date(Date.UTC(2000, 0, 1));
export const FUTURE_SLACK_MS = 5 * 60_000;

/** What is wrong with the time, in the words the API and the import report, or null. */
export function occurredAtProblem(at: Date, now: Date = new Date()): string | null {
  if (at.getTime() < EARLIEST_OCCURRED_AT.getTime()) return 'must not be before 2000-01-01';
  if (at.getTime() > now.getTime() + FUTURE_SLACK_MS) return 'must not be in the future';
  return null;
}
