import { describe, expect, it } from 'vitest';
import { sessionise, sourceKey, VISIT_IDLE_MS } from './sessionise.js';
import { type Classified, DIRECT, type Touch } from './traffic-source.js';

const touch = (source: string, medium: string, extra: Partial<Touch> = {}): Classified => ({
  kind: 'touch',
  touch: {
    source,
    medium,
    campaign: null,
    content: null,
    term: null,
    socialNetwork: null,
    clickId: null,
    ...extra,
  },
});
const continuation: Classified = { kind: 'continuation' };
const t0 = new Date('2026-11-24T10:00:00+03:00');
const later = (ms: number) => new Date(t0.getTime() + ms);
const yandex = touch('yandex', 'cpc', { campaign: 'весна' });
const inVisit = (t: Classified) => ({
  currentVisitId: 'v1',
  currentSourceKey: t.kind === 'touch' ? sourceKey(t.touch) : null,
  lastSeenAt: t0,
});

describe('sessionise', () => {
  it('opens the first visit with the hit’s source, or direct for an internal or empty one', () => {
    const none = { currentVisitId: null, currentSourceKey: null, lastSeenAt: null };
    expect(sessionise(none, t0, yandex)).toEqual({
      newVisit: true,
      touch: (yandex as { touch: Touch }).touch,
    });
    expect(sessionise(none, t0, continuation)).toEqual({ newVisit: true, touch: DIRECT });
  });

  it('continues the visit for internal pages, the same source and typed-in addresses', () => {
    const s = inVisit(yandex);
    expect(sessionise(s, later(60_000), continuation)).toEqual({ newVisit: false });
    expect(sessionise(s, later(60_000), yandex)).toEqual({ newVisit: false });
    expect(sessionise(s, later(60_000), { kind: 'touch', touch: { ...DIRECT } })).toEqual({
      newVisit: false,
    });
  });

  it('opens a new visit on another source, even another campaign of the same source', () => {
    const s = inVisit(yandex);
    expect(sessionise(s, later(1000), touch('google', 'organic'))).toMatchObject({
      newVisit: true,
      touch: { source: 'google' },
    });
    expect(sessionise(s, later(1000), touch('yandex', 'cpc', { campaign: 'осень' }))).toMatchObject({
      newVisit: true,
    });
  });

  it('opens a new visit after 30 minutes idle: direct if nothing says otherwise', () => {
    const s = inVisit(yandex);
    expect(sessionise(s, later(VISIT_IDLE_MS), continuation)).toEqual({ newVisit: false });
    expect(sessionise(s, later(VISIT_IDLE_MS + 1), continuation)).toEqual({ newVisit: true, touch: DIRECT });
    expect(sessionise(s, later(VISIT_IDLE_MS + 1), yandex)).toMatchObject({
      newVisit: true,
      touch: { source: 'yandex' },
    });
  });
});
