import { describe, expect, it } from 'vitest';
import { plusToken, splitAddress } from './aliases.js';

describe('address helpers', () => {
  it('splits an address at the last @ and reads plus tokens', () => {
    expect(splitAddress(' Info@Shop.RU ')).toEqual({ local: 'info', domain: 'shop.ru' });
    expect(splitAddress('"a@b"@shop.ru')).toEqual({ local: '"a@b"', domain: 'shop.ru' });
    for (const bad of ['', 'info', '@shop.ru', 'info@', 'in fo@shop.ru'])
      expect(splitAddress(bad)).toBeNull();
    expect(plusToken('info+k7f3x1@shop.ru')).toBe('k7f3x1');
    expect(plusToken('info+site+K7F3X1@shop.ru')).toBe('k7f3x1');
    expect(plusToken('info@shop.ru')).toBeNull();
    expect(plusToken('info+a@shop.ru')).toBeNull();
  });
});
