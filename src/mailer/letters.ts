import type { Language } from '../db/schema.js';
import type { Letter } from './transport.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Plain paragraphs and one button-like link, as text and as simple HTML. */
function compose(
  to: string,
  subject: string,
  paragraphs: string[],
  link: { label: string; url: string },
  after: string[],
): Letter {
  const text = [...paragraphs, link.url, ...after].join('\n\n');
  const p = (s: string) => `<p>${escapeHtml(s)}</p>`;
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">',
    ...paragraphs.map(p),
    `<p><a href="${escapeHtml(link.url)}" style="display:inline-block;padding:8px 16px;background:#2563eb;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(link.label)}</a></p>`,
    `<p style="color:#666;font-size:small">${escapeHtml(link.url)}</p>`,
    ...after.map(p),
    '</body></html>',
  ].join('\n');
  return { to, subject, text, html };
}

export function passwordResetLetter(lang: Language, r: { to: string; url: string; minutes: number }): Letter {
  if (lang === 'en') {
    return compose(
      r.to,
      'Leadtrail: reset your password',
      [
        'Someone (hopefully you) asked to reset the password of your Leadtrail account.',
        'To choose a new password, open this link:',
      ],
      { label: 'Choose a new password', url: r.url },
      [
        `The link works once, for ${r.minutes} minutes. If you did not ask for it, ignore this e-mail: your password stays as it is.`,
      ],
    );
  }
  return compose(
    r.to,
    'Leadtrail: восстановление пароля',
    [
      'Кто-то (надеемся, вы) запросил восстановление пароля к вашей учётной записи Leadtrail.',
      'Чтобы задать новый пароль, откройте ссылку:',
    ],
    { label: 'Задать новый пароль', url: r.url },
    [
      `Ссылка действует один раз в течение ${r.minutes} минут. Если вы не запрашивали восстановление, просто проигнорируйте письмо: пароль останется прежним.`,
    ],
  );
}

export function invitationLetter(
  lang: Language,
  i: { to: string; url: string; accountName: string; inviter: string; days: number },
): Letter {
  if (lang === 'en') {
    return compose(
      i.to,
      `Leadtrail: you are invited to “${i.accountName}”`,
      [
        `${i.inviter} invites you to the “${i.accountName}” account in Leadtrail.`,
        'To join, open this link and choose a password:',
      ],
      { label: 'Accept the invitation', url: i.url },
      [`The invitation is valid for ${i.days} days.`],
    );
  }
  return compose(
    i.to,
    `Leadtrail: приглашение в «${i.accountName}»`,
    [
      `${i.inviter} приглашает вас в аккаунт «${i.accountName}» в Leadtrail.`,
      'Чтобы присоединиться, откройте ссылку и задайте пароль:',
    ],
    { label: 'Принять приглашение', url: i.url },
    [`Приглашение действует ${i.days} дней.`],
  );
}
