import type { Language } from '../db/schema.js';

/** API error messages in both languages; the `code` is the stable part clients branch on. */
export const messages = {
  validation_error: { ru: 'Некорректные данные запроса', en: 'Request validation failed' },
  invalid_json: { ru: 'Тело запроса не является корректным JSON', en: 'Request body is not valid JSON' },
  unsupported_media_type: {
    ru: 'Неподдерживаемый Content-Type: {type}. Отправляйте application/json',
    en: 'Unsupported Content-Type: {type}. Send application/json',
  },
  payload_too_large: {
    ru: 'Тело запроса слишком велико (не более {limit} байт)',
    en: 'Request body is too large (at most {limit} bytes)',
  },
  unauthorized: { ru: 'Требуется вход в кабинет или API-токен', en: 'Sign in or send an API token' },
  invalid_token: { ru: 'API-токен неизвестен или отозван', en: 'The API token is unknown or revoked' },
  invalid_credentials: { ru: 'Неверный e-mail или пароль', en: 'Wrong e-mail or password' },
  rate_limited: {
    ru: 'Слишком много неудачных попыток входа. Повторите через {seconds} с',
    en: 'Too many failed sign-in attempts. Try again in {seconds} s',
  },
  forbidden: { ru: 'Ваша роль не позволяет это действие', en: 'Your role does not allow this action' },
  csrf_rejected: {
    ru: 'Запрос с чужого сайта отклонён: заголовок Origin должен совпадать с адресом кабинета (или используйте Bearer-токен)',
    en: 'Cross-site request refused: the Origin header must match the cabinet address (or use a Bearer token)',
  },
  not_found: { ru: 'Не найдено', en: 'Not found' },
  route_not_found: { ru: 'Нет такого метода API: {method} {url}', en: 'No such API route: {method} {url}' },
  method_not_allowed: { ru: 'Метод не поддерживается', en: 'Method not allowed' },
  email_taken: {
    ru: 'Пользователь с таким e-mail уже существует',
    en: 'A user with this e-mail already exists',
  },
  signup_disabled: { ru: 'Регистрация на этом сервере отключена', en: 'Sign-up is disabled on this server' },
  reset_rate_limited: {
    ru: 'Слишком много запросов на восстановление пароля. Повторите через {seconds} с',
    en: 'Too many password reset requests. Try again in {seconds} s',
  },
  reset_link_invalid: {
    ru: 'Ссылка для смены пароля неверна, уже использована или истекла: запросите новую',
    en: 'The password reset link is wrong, was already used or has expired: ask for a new one',
  },
  invitation_invalid: {
    ru: 'Приглашение не найдено, уже использовано или истекло',
    en: 'The invitation was not found, was already used or has expired',
  },
  last_owner: {
    ru: 'В аккаунте должен остаться хотя бы один владелец',
    en: 'The account must keep at least one owner',
  },
  wrong_password: { ru: 'Текущий пароль указан неверно', en: 'The current password is wrong' },
  invalid_api_key: {
    ru: 'Нужен заголовок X-Api-Key с действующим API-ключом проекта',
    en: "Send the project's current API key in the X-Api-Key header",
  },
  invalid_event: { ru: 'Некорректное событие трекера', en: 'Malformed tracker event' },
  unknown_site: { ru: 'Неизвестный ключ сайта', en: 'Unknown site key' },
  foreign_origin: {
    ru: 'Страница не относится к доменам проекта',
    en: "The page is not on one of the project's domains",
  },
  collector_busy: { ru: 'Сборщик перегружен, повторите позже', en: 'The collector is busy, retry later' },
  csv_media_type: {
    ru: 'Отправьте CSV-файл с Content-Type: text/csv',
    en: 'Send the CSV file with Content-Type: text/csv',
  },
  csv_empty: {
    ru: 'Файл пуст: нужна строка заголовков и хотя бы одна строка с лидом',
    en: 'The file is empty: it needs a header line and at least one lead row',
  },
  csv_not_utf8: {
    ru: 'Файл не в кодировке UTF-8. В Excel сохраните его как «CSV UTF-8»',
    en: 'The file is not UTF-8. In Excel, save it as "CSV UTF-8"',
  },
  csv_malformed: {
    ru: 'Файл не читается как CSV: {reason}',
    en: 'The file cannot be read as CSV: {reason}',
  },
  csv_no_contact_column: {
    ru: 'В строке заголовков нет столбца с e-mail, телефоном или именем (email, phone, name, почта, телефон, имя…)',
    en: 'The header line has no e-mail, phone or name column (email, phone, name, почта, телефон, имя…)',
  },
  csv_duplicate_column: {
    ru: 'Столбец «{column}» повторяет уже найденный столбец: оставьте один',
    en: 'Column "{column}" repeats a column already found: keep one',
  },
  csv_invalid: {
    ru: 'Ошибок в файле: {count}. Ничего не импортировано — исправьте строки из списка и загрузите файл снова',
    en: 'Errors in the file: {count}. Nothing was imported — fix the rows listed and upload it again',
  },
  internal: { ru: 'Внутренняя ошибка сервера', en: 'Internal server error' },
  amocrm_not_connected: {
    ru: 'amoCRM не подключён: сначала подключите аккаунт (долгосрочный токен или OAuth)',
    en: 'amoCRM is not connected: connect the account first (long-lived token or OAuth)',
  },
  amocrm_rejected: {
    ru: 'amoCRM отклонил подключение: {detail}',
    en: 'amoCRM refused the connection: {detail}',
  },
  amocrm_unavailable: {
    ru: 'amoCRM не ответил как ожидалось: {detail}',
    en: 'amoCRM did not answer as expected: {detail}',
  },
  amocrm_settings_invalid: {
    ru: 'Настройки не совпадают с аккаунтом amoCRM (см. details)',
    en: 'The settings do not match the amoCRM account (see details)',
  },
  custom_host_not_allowed: {
    ru: 'Свой адрес интеграции (baseUrl) разрешён только при ALLOW_CUSTOM_INTEGRATION_HOSTS=true',
    en: 'A custom integration address (baseUrl) is allowed only with ALLOW_CUSTOM_INTEGRATION_HOSTS=true',
  },
  address_not_allowed: {
    ru: 'Этот адрес недоступен: разрешены только публичные адреса',
    en: 'This address cannot be used: only public addresses are allowed',
  },
  oauth_state_invalid: {
    ru: 'Ссылка авторизации устарела или уже использована: подключите amoCRM заново',
    en: 'The authorization link has expired or was already used: connect amoCRM again',
  },
  metrics_token_required: {
    ru: 'Для /metrics нужен заголовок Authorization: Bearer <METRICS_TOKEN>',
    en: '/metrics needs the header Authorization: Bearer <METRICS_TOKEN>',
  },
  metrics_local_only: {
    ru: '/metrics отвечает только запросам с этой машины; для сбора извне задайте METRICS_TOKEN или METRICS_PORT',
    en: '/metrics answers only requests from this machine; set METRICS_TOKEN or METRICS_PORT to scrape it from elsewhere',
  },
} satisfies Record<string, Record<Language, string>>;

export type ErrorCode = keyof typeof messages;

export function localise(
  code: ErrorCode,
  lang: Language,
  params: Record<string, string | number> = {},
): string {
  return messages[code][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}

/** Russian unless the client prefers English. */
export function pickLanguage(acceptLanguage: string | undefined): Language {
  if (!acceptLanguage) return 'ru';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((r) => r.trim()).find((r) => r.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('ru')) return 'ru';
    if (tag.startsWith('en')) return 'en';
  }
  return 'ru';
}
