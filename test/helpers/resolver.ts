import type { Resolver } from '../../src/delivery/address-guard.js';

/**
 * A resolver for the address guard answering from a table (a list, or a list by how many times
 * that name was asked); an unknown name is ENOTFOUND. `asked` keeps the questions.
 */
export function tableResolver(answers: Record<string, string[] | ((n: number) => string[])>) {
  const asked: string[] = [];
  const resolve: Resolver = async (hostname) => {
    asked.push(hostname);
    const a = answers[hostname];
    const list = typeof a === 'function' ? a(asked.filter((h) => h === hostname).length) : a;
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolve, asked };
}
