import { DIRECT, type Touch } from './traffic-source.js';

/**
 * A visit ends after 30 minutes without hits (the common analytics convention). A hit opens a
 * new visit when the visitor has none, after that idle time, or when it brings a new traffic
 * source (not a direct one); the decision is made per batch in the database (0004_collect_batch).
 */
export const VISIT_IDLE_MS = 30 * 60_000;

/** Identity of a traffic source: two hits with the same key belong to the same visit. */
export function sourceKey(t: Touch): string {
  return [t.source, t.medium, t.campaign ?? '', t.content ?? '', t.term ?? ''].join('\u001f');
}

/** A direct touch (typed-in address, bookmark) never ends a visit that has a source. */
export function isDirect(t: Touch): boolean {
  return t.source === DIRECT.source && t.medium === DIRECT.medium;
}
