/**
 * SQLSTATE class 22, "data exception": the values themselves cannot be stored (U+0000 in text, a
 * lone surrogate, a number out of range…). The same values fail the same way again.
 */
export function isDataException(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('22');
}
