/** What the API takes and answers about accounts, users, invitations and personal API tokens. */
import { z } from 'zod';
import type { Account, User } from '../db/schema.js';
import {
  currencyField,
  emailField,
  languageField,
  nameField,
  passwordField,
  roleField,
  textField,
  timezoneField,
} from './fields.js';

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

export const invitationJson = z.object({
  id: z.string(),
  email: z.string(),
  role: roleField,
  createdAt: z.string(),
  expiresAt: z.string(),
});

/** `emailed`: the link went to the invitee by e-mail (SMTP configured and the mail server took it). */
export const createdInvitationJson = invitationJson.extend({ url: z.string(), emailed: z.boolean() });

/** What an invitation link offers, shown before it is accepted. */
export const inviteInfoJson = z.object({ email: z.string(), role: roleField, accountName: z.string() });

export const tokenJson = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('the first characters, to recognise the token'),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});

/** The token itself is shown only in this answer. */
export const createdTokenJson = tokenJson.extend({ token: z.string() });

export const signupBody = z.strictObject({
  email: emailField,
  password: passwordField,
  accountName: textField(200).min(1, 'must not be empty'),
  name: nameField.optional(),
  language: languageField.optional(),
  timezone: timezoneField.optional(),
  currency: currencyField.optional(),
});

export const meBody = z.strictObject({
  name: nameField.optional(),
  language: languageField.nullable().optional(),
  password: z
    .strictObject({
      current: z.string().min(1).max(256),
      new: passwordField,
      revokeApiTokens: z.boolean().default(false),
    })
    .optional(),
});

export const accountBody = z.strictObject({
  name: textField(200).min(1).optional(),
  timezone: timezoneField.optional(),
  currency: currencyField.optional(),
  language: languageField.optional(),
});

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
