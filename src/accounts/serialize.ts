import { z } from 'zod';
import type { Account, User } from '../db/schema.js';

export const accountJson = z.object({
  id: z.string(),
  name: z.string(),
  timezone: z.string(),
  currency: z.string(),
  language: z.enum(['ru', 'en']),
  createdAt: z.string(),
});

export const userJson = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['owner', 'admin', 'viewer']),
  language: z.enum(['ru', 'en']).nullable(),
  createdAt: z.string(),
});

export const meJson = z.object({ user: userJson, account: accountJson });

export function toAccountJson(a: Account): z.infer<typeof accountJson> {
  return {
    id: a.id,
    name: a.name,
    timezone: a.timezone,
    currency: a.currency.trim(),
    language: a.language,
    createdAt: a.created_at.toISOString(),
  };
}

export function toUserJson(u: User): z.infer<typeof userJson> {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    language: u.language,
    createdAt: u.created_at.toISOString(),
  };
}
