/**
 * The API's request and answer types: derived from the server's zod schemas (src/http/api-types.ts),
 * never copied, so a changed schema fails this typecheck. Type-only: no server code enters the bundle.
 */
export type * from '../../../src/http/api-types';
/** The 18 lead parameters, in the order the cabinet shows them (shared with the server). */
export type { ParamKey } from '../../../src/leads/param-keys';
