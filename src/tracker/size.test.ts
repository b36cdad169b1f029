import { describe, expect, it } from 'vitest';
import { buildTracker } from '../../scripts/build-tracker.mjs';

/** The CI budget for t.js: 4 KB min+gz in total, e-mail substitution included (issue 5). */
const BUDGET = 4096;

describe('tracker size', () => {
  it(`is at most ${BUDGET} bytes minified and gzipped`, async () => {
    const { code, gzipBytes } = await buildTracker();
    expect(gzipBytes, `t.js gzipped (${code.length} bytes minified)`).toBeLessThanOrEqual(BUDGET);
    // One IIFE, plain ASCII (charset-proof), no source map reference.
    expect(code.startsWith('"use strict";(()=>{')).toBe(true);
    expect(/[^\0-\x7f]/.test(code)).toBe(false);
    expect(code).not.toContain('sourceMappingURL');
  });
});
