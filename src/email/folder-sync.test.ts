import { describe, expect, it } from 'vitest';
import { uidSet } from './folder-sync.js';

describe('uidSet', () => {
  it('compresses runs', () => {
    expect(uidSet([1, 2, 3, 7, 9, 10])).toBe('1:3,7,9:10');
    expect(uidSet([5])).toBe('5');
  });
});
