import type { Classified, Touch } from '../../src/tracking/traffic-source.js';

/** A classified hit that brings this source (the rest of the touch empty unless given). */
export function touch(source: string, medium: string, extra: Partial<Touch> = {}): Classified {
  return {
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
  };
}
