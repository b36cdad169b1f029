import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { z } from 'zod';
import { type $ZodIssue, type $ZodType, safeParse } from 'zod/v4/core';
import type { Language } from '../db/schema.js';
import { isStorable } from '../db/storable-text.js';

const ENTRY = Symbol('leadtrail validation entry');

/** One failed check of a request part, as Fastify carries it to the error handler. */
export interface ValidationEntry extends FastifySchemaValidationError {
  [ENTRY]: true;
  /** the message in each language (zod's own wording is translated; ours stays as written) */
  messages: Record<Language, string>;
}

const localeError = { en: z.locales.en().localeError, ru: z.locales.ru().localeError };

function said(language: Language, issue: $ZodIssue): string | undefined {
  const m = localeError[language](issue as Parameters<(typeof localeError)['en']>[0]);
  return typeof m === 'string' ? m : m?.message;
}

/**
 * zod's default messages are English; the API answers in the caller's language, so each issue's
 * message is also said in Russian when it is zod's own wording (a message a schema gives itself
 * is kept). Both are made here, while the issue still has its input (zod words "expected number,
 * received string" from it), and the input is not kept: it may be a password.
 */
function entry(issue: $ZodIssue): ValidationEntry {
  const own = said('en', issue) !== issue.message;
  const path = issue.path.map(String);
  return {
    [ENTRY]: true,
    keyword: issue.code,
    instancePath: `/${path.join('/')}`,
    schemaPath: `#/${path.join('/')}/${issue.code}`,
    params: {},
    message: issue.message,
    messages: { en: issue.message, ru: own ? issue.message : (said('ru', issue) ?? issue.message) },
  };
}

const UNSTORABLE_MESSAGES: Record<Language, string> = {
  en: 'must not contain the NUL character or a broken UTF-16 surrogate',
  ru: 'не должно содержать символ NUL или одиночный суррогат UTF-16',
};

/**
 * Query and path values that no text column can hold (`?source=%00`): refused before any schema
 * or query sees them, so no route can forget it and turn them into a 500.
 */
function unstorableValues(data: unknown): ValidationEntry[] {
  if (typeof data !== 'object' || data === null) return [];
  const found: ValidationEntry[] = [];
  for (const [key, value] of Object.entries(data)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'string' && !isStorable(v))) {
      found.push({
        [ENTRY]: true,
        keyword: 'unstorable',
        instancePath: `/${key}`,
        schemaPath: `#/${key}/unstorable`,
        params: {},
        message: UNSTORABLE_MESSAGES.en,
        messages: { ...UNSTORABLE_MESSAGES },
      });
    }
  }
  return found;
}

/** Validates request parts with their zod schemas (Fastify's validator compiler). */
export const validatorCompiler: FastifySchemaCompiler<$ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    if (httpPart === 'querystring' || httpPart === 'params') {
      const unstorable = unstorableValues(data);
      if (unstorable.length) return { error: unstorable };
    }
    const result = safeParse(schema, data, { reportInput: true });
    if (result.success) return { value: result.data };
    return { error: result.error.issues.map(entry) };
  };

export function isValidationEntry(v: unknown): v is ValidationEntry {
  return typeof v === 'object' && v !== null && ENTRY in v;
}
