import { z } from 'zod';
import { storable } from '../db/storable-text.js';

const token = /^[A-Za-z0-9._-]+$/;
/** every free-text string: what PostgreSQL cannot store is removed before the other checks */
const str = () => z.string().overwrite(storable);
const text = str().max(2000).optional().catch(undefined);
const httpUrl = str()
  .max(4096)
  .refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), 'must be an http(s) URL');

/**
 * The tracker's event (docs/collect-protocol.md). Unknown keys are ignored so an older server
 * accepts a newer tracker; optional identifiers that are malformed are dropped, not fatal.
 */
export const collectBody = z.object({
  v: z.literal(1),
  site: z.string().min(4).max(64).regex(token),
  type: z.enum(['pageview', 'lead']),
  eid: z.string().min(8).max(64).regex(token),
  cid: z.string().min(16).max(64).regex(token),
  url: httpUrl,
  ref: str().max(4096).optional().catch(undefined),
  ga: z
    .string()
    .regex(/^\d{1,20}\.\d{1,20}$/)
    .optional()
    .catch(undefined),
  ym: z
    .string()
    .regex(/^\d{1,32}$/)
    .optional()
    .catch(undefined),
  sw: z.number().int().min(0).max(100_000).optional().catch(undefined),
  sh: z.number().int().min(0).max(100_000).optional().catch(undefined),
  lang: str().max(35).optional().catch(undefined),
  ts: z.number().int().positive().optional().catch(undefined),
  lead: z
    .object({ email: text, phone: text, name: text, company: text, subject: text, message: text, form: text })
    .optional(),
});

export type CollectBody = z.infer<typeof collectBody>;
