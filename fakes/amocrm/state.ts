/** In-memory account state of the fake amoCRM: seeded account, users, pipelines, fields and entities. */
import { seedCustomFields } from './custom-fields.js';
import type {
  AnyEntity,
  Company,
  Contact,
  CustomField,
  EntityType,
  Lead,
  Link,
  Note,
  Pipeline,
  RequestLogEntry,
  Tag,
  User,
} from './types.js';

export interface AccessTokenRecord {
  token: string;
  userId: number;
  /** Unix seconds */
  expiresAt: number;
  revoked: boolean;
  kind: 'oauth' | 'long_lived';
}

export interface RefreshTokenRecord {
  token: string;
  userId: number;
  expiresAt: number;
  /** set once exchanged: refresh tokens are single use */
  used: boolean;
  revoked: boolean;
  accessToken: string;
}

export interface AuthCodeRecord {
  code: string;
  userId: number;
  expiresAt: number;
  used: boolean;
}

export interface AccountInfo {
  id: number;
  name: string;
  subdomain: string;
  current_user_id: number;
  country: string;
  currency: string;
  currency_symbol: string;
  customers_mode: string;
  is_unsorted_on: boolean;
  is_loss_reason_enabled: boolean;
  is_helpbot_enabled: boolean;
  is_technical_account: boolean;
  contact_name_display_order: number;
  mobile_feature_version: number;
  amojo_id: string;
  version: number;
  is_api_filter_enabled: boolean;
}

export class FakeAmoState {
  readonly account: AccountInfo;
  readonly users: User[];
  readonly pipelines: Pipeline[];
  readonly customFieldsByEntity: Record<EntityType, CustomField[]>;
  readonly entities: {
    leads: Map<number, Lead>;
    contacts: Map<number, Contact>;
    companies: Map<number, Company>;
  };
  readonly tagsByEntity: Record<EntityType, Tag[]> = { leads: [], contacts: [], companies: [] };
  readonly links: Link[] = [];
  readonly notesList: Note[] = [];
  readonly requests: RequestLogEntry[] = [];

  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly authCodes = new Map<string, AuthCodeRecord>();
  /** the integration's "Контроль дублей" checkbox: /leads/complex merges into existing leads (§14) */
  duplicateControl = false;
  /** successful refresh_token grants */
  refreshCount = 0;
  /** all refresh_token grant attempts, successful or not */
  refreshAttempts = 0;
  /** successful authorization_code grants */
  codeExchanges = 0;

  private clockOffsetMs = 0;
  private readonly seq = {
    lead: 21_000_000,
    contact: 31_000_000,
    company: 41_000_000,
    tag: 51_000,
    note: 71_000_000,
    field: 901_000,
    fieldEnum: 1_500_000,
  };

  constructor(subdomain: string) {
    this.account = {
      id: 31_415_926,
      name: 'ООО «Лидтрейл Тест»',
      subdomain,
      current_user_id: 8_100_001,
      country: 'RU',
      currency: 'RUB',
      currency_symbol: '₽',
      customers_mode: 'disabled',
      is_unsorted_on: true,
      is_loss_reason_enabled: true,
      is_helpbot_enabled: false,
      is_technical_account: false,
      contact_name_display_order: 1,
      mobile_feature_version: 0,
      amojo_id: 'f3c6f4ac-8d0f-4c9e-9a63-2f4d4c1d2a77',
      version: 11,
      is_api_filter_enabled: false,
    };
    this.users = [
      user(8_100_001, 'Иван Петров', 'ivan.petrov@example.ru', true),
      user(8_100_002, 'Мария Смирнова', 'maria.smirnova@example.ru', false),
      user(8_100_003, 'Алексей Кузнецов', 'aleksey.kuznetsov@example.ru', false),
    ];
    this.pipelines = [
      pipeline(7_100_001, 'Воронка', 1, true, 61_000_001, [
        'Первичный контакт',
        'Переговоры',
        'Принимают решение',
      ]),
      pipeline(7_100_002, 'Оптовые продажи', 2, false, 61_000_101, ['Новая заявка', 'Счёт выставлен']),
    ];
    this.customFieldsByEntity = seedCustomFields((kind) => this.nextId(kind));
    this.entities = { leads: new Map(), contacts: new Map(), companies: new Map() };
  }

  /** Unix seconds on the fake's clock (see advanceTime). */
  now(): number {
    return Math.floor((Date.now() + this.clockOffsetMs) / 1000);
  }

  /** Moves the fake's clock forward (expires codes and tokens without waiting). */
  advanceTime(seconds: number): void {
    this.clockOffsetMs += seconds * 1000;
  }

  nextId(kind: keyof FakeAmoState['seq']): number {
    this.seq[kind] += 1;
    return this.seq[kind];
  }

  // --- accessors for tests -------------------------------------------------------------

  get leads(): Lead[] {
    return [...this.entities.leads.values()];
  }
  get contacts(): Contact[] {
    return [...this.entities.contacts.values()];
  }
  get companies(): Company[] {
    return [...this.entities.companies.values()];
  }
  get notes(): Note[] {
    return [...this.notesList];
  }
  get tags(): Tag[] {
    return [...this.tagsByEntity.leads, ...this.tagsByEntity.contacts, ...this.tagsByEntity.companies];
  }
  get customFields(): CustomField[] {
    return [
      ...this.customFieldsByEntity.leads,
      ...this.customFieldsByEntity.contacts,
      ...this.customFieldsByEntity.companies,
    ];
  }
  get requestLog(): RequestLogEntry[] {
    return [...this.requests];
  }

  entity(type: EntityType, id: number): AnyEntity | undefined {
    return this.entities[type].get(id);
  }

  user(id: number): User | undefined {
    return this.users.find((u) => u.id === id);
  }

  mainPipeline(): Pipeline {
    return this.pipelines.find((p) => p.is_main) ?? this.pipelines[0]!;
  }

  /** Links of an entity seen from its side (stored once, read in both directions). */
  linksOf(type: EntityType, id: number): Link[] {
    const out: Link[] = [];
    for (const l of this.links) {
      if (l.entity_type === type && l.entity_id === id) out.push(l);
      else if (l.to_entity_type === type && l.to_entity_id === id) {
        out.push({
          entity_type: type,
          entity_id: id,
          to_entity_type: l.entity_type,
          to_entity_id: l.entity_id,
          is_main: l.is_main,
        });
      }
    }
    return out;
  }

  linkedIds(type: EntityType, id: number, to: EntityType): number[] {
    return this.linksOf(type, id)
      .filter((l) => l.to_entity_type === to)
      .map((l) => l.to_entity_id);
  }

  /** A JSON-able dump for `GET /__fake/state`. */
  dump(): unknown {
    return {
      account: this.account,
      users: this.users,
      pipelines: this.pipelines,
      custom_fields: this.customFieldsByEntity,
      leads: this.leads,
      contacts: this.contacts,
      companies: this.companies,
      tags: this.tagsByEntity,
      links: this.links,
      notes: this.notesList,
      oauth: {
        refresh_count: this.refreshCount,
        refresh_attempts: this.refreshAttempts,
        code_exchanges: this.codeExchanges,
        access_tokens: [...this.accessTokens.values()].map((t) => ({
          ...t,
          token: `${t.token.slice(0, 12)}…`,
        })),
        refresh_tokens: [...this.refreshTokens.values()].map((t) => ({
          ...t,
          token: `${t.token.slice(0, 12)}…`,
          accessToken: `${t.accessToken.slice(0, 12)}…`,
        })),
      },
      requests: this.requests.slice(-200),
    };
  }
}

function user(id: number, name: string, email: string, isAdmin: boolean): User {
  return { id, name, email, lang: 'ru', is_admin: isAdmin, is_active: true, group_id: 0 };
}

function pipeline(
  id: number,
  name: string,
  sort: number,
  isMain: boolean,
  firstStatusId: number,
  working: string[],
): Pipeline {
  const colors = ['#99ccff', '#ffff99', '#ffcc66', '#fffeb2', '#deff81'];
  const statuses: Pipeline['statuses'] = [
    {
      id: firstStatusId,
      name: 'Неразобранное',
      sort: 10,
      is_editable: false,
      pipeline_id: id,
      color: '#c1c1c1',
      type: 1,
    },
    ...working.map((n, i) => ({
      id: firstStatusId + i + 1,
      name: n,
      sort: 20 + i * 10,
      is_editable: true,
      pipeline_id: id,
      color: colors[i % colors.length]!,
      type: 0 as const,
    })),
    {
      id: 142,
      name: 'Успешно реализовано',
      sort: 10000,
      is_editable: false,
      pipeline_id: id,
      color: '#CCFF66',
      type: 0,
    },
    {
      id: 143,
      name: 'Закрыто и не реализовано',
      sort: 11000,
      is_editable: false,
      pipeline_id: id,
      color: '#D5D8DB',
      type: 0,
    },
  ];
  return { id, name, sort, is_main: isMain, is_unsorted_on: true, is_archive: false, statuses };
}
