import { type Classified, DIRECT, type Touch } from './traffic-source.js';

/** A visit ends after 30 minutes without hits (the common analytics convention). */
export const VISIT_IDLE_MS = 30 * 60_000;

export interface VisitState {
  currentVisitId: string | null;
  currentSourceKey: string | null;
  lastSeenAt: Date | null;
}

export type SessionDecision = { newVisit: true; touch: Touch } | { newVisit: false };

/** Identity of a traffic source: two hits with the same key belong to the same visit. */
export function sourceKey(t: Touch): string {
  return [t.source, t.medium, t.campaign ?? '', t.content ?? '', t.term ?? ''].join('\u001f');
}

/**
 * A hit opens a new visit when the visitor has none, after 30 minutes idle, or when it brings a
 * new traffic source (not a direct one: typing the address mid-visit does not start a visit).
 */
export function sessionise(state: VisitState, at: Date, traffic: Classified): SessionDecision {
  const touch = traffic.kind === 'touch' ? traffic.touch : null;
  if (!state.currentVisitId || !state.lastSeenAt) return { newVisit: true, touch: touch ?? DIRECT };
  if (at.getTime() - state.lastSeenAt.getTime() > VISIT_IDLE_MS)
    return { newVisit: true, touch: touch ?? DIRECT };
  if (touch && !isDirect(touch) && sourceKey(touch) !== state.currentSourceKey)
    return { newVisit: true, touch };
  return { newVisit: false };
}

function isDirect(t: Touch): boolean {
  return t.source === DIRECT.source && t.medium === DIRECT.medium;
}
