/**
 * The HTTP API's contract as TypeScript types, derived from the zod schemas the routes validate and
 * serialise with: answers are `z.infer` of a route's `response`, request bodies `z.input` of its `body`
 * (what a client sends, before defaults and transforms). The cabinet imports this module type-only,
 * so a change to a schema breaks the cabinet's typecheck instead of drifting from a copy, and no server
 * code reaches its bundle. Types only: nothing here runs.
 */
import type { z } from 'zod';
import type {
  accountBody,
  accountJson,
  createdInvitationJson,
  createdTokenJson,
  invitationJson,
  inviteInfoJson,
  meBody,
  meJson,
  signupBody,
  tokenJson,
  userJson,
} from '../accounts/serialize.js';
import type { deliveryJson, integrationLogJson } from '../delivery/serialize.js';
import type {
  emailTrackingBody,
  emailTrackingJson,
  mailboxBody,
  mailboxJson,
  mailboxTestBody,
  mailboxTestJson,
} from '../email/settings.js';
import type { integrationJson, optionsJson } from '../integrations/amocrm/serialize.js';
import type {
  connectionBody,
  FieldChoice,
  settingsBody,
  settingsJsonSchema,
} from '../integrations/amocrm/settings.js';
import type { leadJson, leadListQuery, visitJson } from '../leads/serialize.js';
import type { newProjectBody, projectJson, projectPatchBody } from '../projects/serialize.js';
import type { itemsJson, pageJson } from './lists.js';

/** A list answer (`{items}`) of the given item schema. */
export type Items<T extends z.ZodType> = z.infer<ReturnType<typeof itemsJson<T>>>;
/** A page of a longer list (`{items, nextCursor}`). */
export type Page<T extends z.ZodType> = z.infer<ReturnType<typeof pageJson<T>>>;

// accounts, users, invitations, personal API tokens
export type Me = z.infer<typeof meJson>;
export type User = z.infer<typeof userJson>;
export type Account = z.infer<typeof accountJson>;
export type Lang = Account['language'];
export type Role = User['role'];
export type UserList = Items<typeof userJson>;
export type Invitation = z.infer<typeof invitationJson>;
export type InvitationList = Items<typeof invitationJson>;
export type CreatedInvitation = z.infer<typeof createdInvitationJson>;
export type InviteInfo = z.infer<typeof inviteInfoJson>;
export type ApiToken = z.infer<typeof tokenJson>;
export type ApiTokenList = Items<typeof tokenJson>;
export type CreatedApiToken = z.infer<typeof createdTokenJson>;
export type SignupInput = z.input<typeof signupBody>;
export type MePatch = z.input<typeof meBody>;
export type AccountPatch = z.input<typeof accountBody>;

// projects
export type Project = z.infer<typeof projectJson>;
export type ProjectList = Items<typeof projectJson>;
export type AttributionModel = Project['attributionModel'];
export type ProjectInput = z.input<typeof newProjectBody>;
export type ProjectPatch = z.input<typeof projectPatchBody>;

// leads
export type Lead = z.infer<typeof leadJson>;
export type LeadPage = Page<typeof leadJson>;
export type LeadType = Lead['type'];
export type LeadParams = Lead['params'];
export type Visit = z.infer<typeof visitJson>;
/** The leads list's filters (the query without its paging). */
export type LeadFilter = Omit<z.input<typeof leadListQuery>, 'cursor' | 'limit'>;

// deliveries and the integration log
export type Delivery = z.infer<typeof deliveryJson>;
export type DeliveryList = Items<typeof deliveryJson>;
export type DeliveryState = Delivery['state'];
export type IntegrationLogEntry = z.infer<typeof integrationLogJson>;
export type IntegrationLogPage = Page<typeof integrationLogJson>;

// amoCRM
export type AmoIntegration = z.infer<typeof integrationJson>;
/** The settings as shown (the PUT body's shape, every "create" resolved to its field). */
export type AmoSettings = z.infer<typeof settingsJsonSchema>;
export type AmoEntity = keyof AmoSettings['entities'];
export type AmoEntitySettings = AmoSettings['entities'][AmoEntity];
export type AmoStoredField = AmoEntitySettings['fields'][string];
export type AmoProblem = NonNullable<AmoIntegration['problem']>;
export type AmoOptions = z.infer<typeof optionsJson>;
export type AmoField = AmoOptions['fields'][AmoEntity][number];
export type AmoSettingsInput = z.input<typeof settingsBody>;
/** One entity's settings as sent: the deal's shape (the contact and the company take no pipeline). */
export type AmoEntityInput = NonNullable<NonNullable<AmoSettingsInput['entities']>['deal']>;
export type AmoConnectionInput = z.input<typeof connectionBody>;
/** What the user picks for a parameter: an existing field, a new one Leadtrail creates, or nothing. */
export type AmoFieldChoice = FieldChoice;

// e-mail tracking
export type EmailTracking = z.infer<typeof emailTrackingJson>;
export type EmailAliases = EmailTracking['aliases'];
export type Mailbox = z.infer<typeof mailboxJson>;
export type MailboxStatus = Mailbox['status'];
export type EmailTrackingInput = z.input<typeof emailTrackingBody>;
export type MailboxInput = z.input<typeof mailboxBody>;
export type MailboxTestInput = z.input<typeof mailboxTestBody>;
export type MailboxTestResult = z.infer<typeof mailboxTestJson>;
