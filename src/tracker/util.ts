/** Runs f and swallows anything it throws: no tracker error may reach the host page. */
export const guard =
  <A extends unknown[], R>(f: (...a: A) => R) =>
  (...a: A): R | undefined => {
    try {
      return f(...a);
    } catch (_) {
      return undefined;
    }
  };

/** 24 random chars [A-Za-z0-9_-] (18 bytes of base64url). */
export const rid = (): string =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18)))).replace(/[+/]/g, (c) =>
    c === '+' ? '-' : '_',
  );

/** localStorage get (one argument) or set; storage may be disabled or throw (private modes, sandboxes). */
export const store = (k: string, v?: string): string | null | undefined => {
  try {
    if (v == null) return localStorage.getItem(k);
    localStorage.setItem(k, v);
  } catch (_) {}
  return undefined;
};
