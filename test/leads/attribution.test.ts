import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectJson } from '../../src/projects/serialize.js';
import type { ApiClient } from '../helpers/client.js';
import { collect, randomId } from '../helpers/collect.js';
import { postLead } from '../helpers/leads.js';
import type { TestServer } from '../helpers/server.js';
import { eventsOf, getLead, site, startLeadsWorld } from './fixtures.js';

// Which visits a lead is credited to (models, late hits, contacts), and which leads are duplicates.

let server: TestServer;
let owner: ApiClient;
let viewer: ApiClient;
let project: ProjectJson;
let apiKey: string;

beforeAll(async () => {
  ({ server, owner, viewer, project, apiKey } = await startLeadsWorld());
});
afterAll(() => server?.close());

async function setProject(settings: Record<string, unknown>, id = project.id) {
  const r = await owner.patch<ProjectJson>(`/api/v1/projects/${id}`, settings);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

/** Moves a visitor's history two hours back, so the next hit opens a new visit. */
async function ageVisitor(cid: string) {
  await server.db
    .updateTable('visitors')
    .set({
      last_seen_at: sql`last_seen_at - interval '2 hours'`,
      first_seen_at: sql`first_seen_at - interval '2 hours'`,
    })
    .where('id', '=', cid)
    .execute();
  await server.db
    .updateTable('visits')
    .set({
      started_at: sql`started_at - interval '2 hours'`,
      last_hit_at: sql`last_hit_at - interval '2 hours'`,
    })
    .where('visitor_id', '=', cid)
    .execute();
}

/** A visitor who came from Yandex Direct and came back from Google search. */
async function yandexThenGoogle(cid: string) {
  expect(
    (
      await collect(server.url, {
        site: project.siteKey,
        cid,
        url: `${site}/?utm_source=yandex&utm_medium=cpc&utm_campaign=divany-moskva&utm_term=%D0%BA%D1%83%D0%BF%D0%B8%D1%82%D1%8C+%D0%B4%D0%B8%D0%B2%D0%B0%D0%BD`,
        ref: 'https://yandex.ru/',
        ga: '1234567890.1234567890',
        ym: '1700000000123456789',
      })
    ).status,
  ).toBe(204);
  expect(
    (
      await collect(server.url, {
        site: project.siteKey,
        cid,
        url: `${site}/sofas/1`,
        ref: 'https://www.google.com/',
      })
    ).status,
  ).toBe(204);
}

describe('attribution', () => {
  it('gives a lead of a known visitor the parameters of its visits (last non-direct click)', async () => {
    const cid = randomId(18);
    await yandexThenGoogle(cid);
    const r = await postLead(server.url, apiKey, {
      type: 'form',
      contact: { email: 'attr1@example.ru' },
      visitorId: cid,
      page: `${site}/contacts`,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.visitorId).toBe(cid);
    expect(r.body.attributedAt).not.toBeNull();
    expect(r.body.params).toEqual({
      sent_at: r.body.occurredAt,
      source: 'google',
      medium: 'organic',
      campaign: null,
      content: null,
      term: null,
      social_network: null,
      path: 'yandex / cpc > google / organic',
      city: null,
      ip: '127.0.0.1',
      ga_client_id: '1234567890.1234567890',
      ym_client_id: '1700000000123456789',
      at_client_id: cid,
      page: `${site}/contacts`,
      browser: expect.stringMatching(/^Chrome 131/),
      country: null,
      device: 'desktop',
      mailbox: null,
    });
    // The lead page lists the visitor's visits in order.
    const full = await getLead(owner, r.body.id);
    expect(full.status).toBe(200);
    expect(full.body.visits?.map((v) => [v.source, v.medium, v.campaign, v.term, v.landingUrl])).toEqual([
      [
        'yandex',
        'cpc',
        'divany-moskva',
        'купить диван',
        expect.stringContaining(`${site}/?utm_source=yandex`),
      ],
      ['google', 'organic', null, null, `${site}/sofas/1`],
    ]);
    // A viewer can read it too.
    expect((await getLead(viewer, r.body.id)).status).toBe(200);
  });

  it("follows the project's model: first click, last click, and last non-direct skips a direct visit", async () => {
    const cid = randomId(18);
    await yandexThenGoogle(cid);
    const lead = async (email: string) => {
      const r = await postLead(server.url, apiKey, { type: 'form', contact: { email }, visitorId: cid });
      expect(r.status).toBe(201);
      return r.body.params;
    };
    try {
      await setProject({ attributionModel: 'first_click' });
      expect(await lead('model1@example.ru')).toMatchObject({
        source: 'yandex',
        medium: 'cpc',
        campaign: 'divany-moskva',
        term: 'купить диван',
        path: 'yandex / cpc > google / organic',
      });
      await setProject({ attributionModel: 'last_click' });
      expect(await lead('model2@example.ru')).toMatchObject({
        source: 'google',
        medium: 'organic',
        campaign: null,
      });

      // Back two hours later by typing the address: a direct visit.
      await ageVisitor(cid);
      expect((await collect(server.url, { site: project.siteKey, cid, url: `${site}/` })).status).toBe(204);
      expect(await lead('model3@example.ru')).toMatchObject({
        source: '(direct)',
        medium: '(none)',
        path: 'yandex / cpc > google / organic > (direct) / (none)',
      });
      await setProject({ attributionModel: 'last_non_direct' });
      expect(await lead('model4@example.ru')).toMatchObject({
        source: 'google',
        medium: 'organic',
        path: 'yandex / cpc > google / organic > (direct) / (none)',
      });
    } finally {
      await setProject({ attributionModel: 'last_non_direct' });
    }
  });

  it('a visitor with only direct visits gets (direct) by last non-direct', async () => {
    const cid = randomId(18);
    await collect(server.url, { site: project.siteKey, cid, url: `${site}/` });
    const r = await postLead(server.url, apiKey, {
      type: 'form',
      contact: { email: 'direct@example.ru' },
      visitorId: cid,
    });
    expect(r.body.params).toMatchObject({ source: '(direct)', medium: '(none)', path: '(direct) / (none)' });
  });

  it('attributes a lead whose visitor hits arrive later, and records lead.created then lead.attributed', async () => {
    const cid = randomId(18);
    const r = await postLead(server.url, apiKey, {
      type: 'phone',
      contact: { phone: '+7 912 000-11-22' },
      visitorId: cid,
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ visitorId: cid, attributedAt: null });
    const { sent_at, ...rest } = r.body.params;
    expect(sent_at).toBe(r.body.occurredAt);
    expect(Object.values(rest).every((v) => v === null)).toBe(true);
    expect(await eventsOf(server.db, r.body.id)).toEqual(['lead.created']);

    expect(
      (
        await collect(server.url, {
          site: project.siteKey,
          cid,
          url: `${site}/?utm_source=vk&utm_medium=social&utm_campaign=%D0%BE%D1%81%D0%B5%D0%BD%D1%8C`,
          ref: 'https://vk.com/',
        })
      ).status,
    ).toBe(204);
    const after = await getLead(owner, r.body.id);
    expect(after.body.attributedAt).not.toBeNull();
    expect(after.body.params).toMatchObject({
      source: 'vk',
      medium: 'social',
      campaign: 'осень',
      social_network: 'vk',
      path: 'vk / social',
      at_client_id: cid,
    });
    expect(after.body.visits).toHaveLength(1);
    expect(await eventsOf(server.db, r.body.id)).toEqual(['lead.created', 'lead.attributed']);
    // Later hits of the same visitor do not attribute it again.
    await collect(server.url, { site: project.siteKey, cid, url: `${site}/sofas`, ref: `${site}/` });
    expect(await eventsOf(server.db, r.body.id)).toEqual(['lead.created', 'lead.attributed']);
  });

  it('attributes a waiting lead to the visits whose hits arrive after it (delayed beacons)', async () => {
    const cid = randomId(18);
    // The site's backend reports the form a minute before the browser's hits get through.
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const r = await postLead(server.url, apiKey, {
      type: 'form',
      contact: { email: 'late@example.ru' },
      visitorId: cid,
      occurredAt,
    });
    expect(r.body.attributedAt).toBeNull();
    await collect(server.url, {
      site: project.siteKey,
      cid,
      url: `${site}/?utm_source=yandex&utm_medium=cpc&utm_campaign=late`,
    });
    const after = await getLead(owner, r.body.id);
    expect(after.body.attributedAt).not.toBeNull();
    expect(after.body.params).toMatchObject({
      source: 'yandex',
      medium: 'cpc',
      campaign: 'late',
      path: 'yandex / cpc',
      at_client_id: cid,
    });
    // The same when the hits got in first but the lead is dated before them.
    const again = await postLead(server.url, apiKey, {
      type: 'form',
      contact: { email: 'late2@example.ru' },
      visitorId: cid,
      occurredAt: new Date(Date.now() - 120_000).toISOString(),
    });
    expect(again.body.attributedAt).not.toBeNull();
    expect(again.body.params).toMatchObject({ source: 'yandex', medium: 'cpc', campaign: 'late' });
    // A visitor found only by contact gets no credit for visits after the lead.
    const byContact = await postLead(server.url, apiKey, {
      type: 'offline',
      contact: { email: 'late@example.ru' },
      occurredAt: new Date(Date.now() - 120_000).toISOString(),
    });
    expect(byContact.body).toMatchObject({ visitorId: cid });
    expect(byContact.body.params).toMatchObject({ source: null, path: null, at_client_id: cid });
  });

  it('keeps the visitor id a lead was sent with, even when its contact is known for another visitor', async () => {
    // Known on the phone from an earlier form…
    const phoneCid = randomId(18);
    await collect(server.url, {
      site: project.siteKey,
      cid: phoneCid,
      url: `${site}/`,
      ref: 'https://vk.com/',
    });
    await collect(server.url, {
      site: project.siteKey,
      cid: phoneCid,
      type: 'lead',
      url: `${site}/contacts`,
      lead: { email: 'two.devices@example.ru' },
    });
    // …now on the desktop, whose hits have not arrived when the site's backend posts the lead.
    const desktopCid = randomId(18);
    const r = await postLead(server.url, apiKey, {
      type: 'form',
      contact: { email: 'two.devices@example.ru' },
      visitorId: desktopCid,
    });
    expect(r.body).toMatchObject({ visitorId: desktopCid, attributedAt: null });
    await collect(server.url, {
      site: project.siteKey,
      cid: desktopCid,
      url: `${site}/?utm_source=google&utm_medium=cpc&utm_campaign=desktop`,
    });
    const after = await getLead(owner, r.body.id);
    expect(after.body.visitorId).toBe(desktopCid);
    expect(after.body.params).toMatchObject({ source: 'google', medium: 'cpc', at_client_id: desktopCid });
  });

  it('ties leads to a visitor by contact: later by e-mail, earlier ones by phone', async () => {
    const cid = randomId(18);
    // The visitor browses from Google…
    await collect(server.url, {
      site: project.siteKey,
      cid,
      url: `${site}/sofas`,
      ref: 'https://www.google.ru/',
    });
    // …then phones the shop; the call is entered as an offline lead, nobody knows the visitor yet.
    const call = await postLead(server.url, apiKey, {
      type: 'phone',
      contact: { phone: '8 (921) 555-44-33', name: 'Ольга' },
    });
    expect(call.status).toBe(201);
    expect(call.body).toMatchObject({ visitorId: null, attributedAt: null });
    // …then sends the site form with that phone and an e-mail.
    expect(
      (
        await collect(server.url, {
          site: project.siteKey,
          cid,
          type: 'lead',
          url: `${site}/contacts`,
          ref: `${site}/sofas`,
          lead: { email: 'Olga.Smirnova@Example.RU', phone: '+7 921 555 44 33', name: 'Ольга Смирнова' },
        })
      ).status,
    ).toBe(204);
    const form = await server.db
      .selectFrom('leads')
      .selectAll()
      .where('visitor_id', '=', cid)
      .where('channel', '=', 'tracker')
      .executeTakeFirstOrThrow();
    expect(form).toMatchObject({ email: 'olga.smirnova@example.ru', phone: '+79215554433' });
    const earlier = await getLead(owner, call.body.id);
    expect(earlier.body).toMatchObject({ visitorId: cid });
    expect(earlier.body.attributedAt).not.toBeNull();
    expect(earlier.body.params).toMatchObject({ source: 'google', medium: 'organic', at_client_id: cid });
    expect(await eventsOf(server.db, call.body.id)).toEqual(['lead.created', 'lead.attributed']);

    // A later offline lead with the e-mail in other letters finds the visitor without a visitor id.
    const later = await postLead(server.url, apiKey, {
      type: 'email',
      contact: { email: 'OLGA.SMIRNOVA@example.ru' },
    });
    expect(later.status).toBe(201);
    expect(later.body.visitorId).toBe(cid);
    expect(later.body.attributedAt).not.toBeNull();
    expect(later.body.params).toMatchObject({ source: 'google', medium: 'organic', at_client_id: cid });
    expect(await eventsOf(server.db, later.body.id)).toEqual(['lead.created']);
  });
});

describe('duplicates', () => {
  it('marks a repeat of the same e-mail within the window, pointing at the first lead', async () => {
    const first = await postLead(server.url, apiKey, {
      type: 'offline',
      contact: { email: 'dup@example.ru' },
    });
    const second = await postLead(server.url, apiKey, {
      type: 'form',
      contact: { email: 'DUP@example.ru', name: 'Снова' },
    });
    const third = await postLead(server.url, apiKey, { type: 'phone', contact: { email: 'dup@example.ru' } });
    expect(first.body).toMatchObject({ isDuplicate: false, duplicateOf: null });
    expect(second.body).toMatchObject({ isDuplicate: true, duplicateOf: first.body.id });
    expect(third.body).toMatchObject({ isDuplicate: true, duplicateOf: first.body.id });
  });

  it('does not mark a repeat outside the window (2 h apart vs 60 min)', async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const old = await postLead(server.url, apiKey, {
      type: 'offline',
      contact: { phone: '+7 912 700-00-01' },
      occurredAt: twoHoursAgo,
    });
    const now = await postLead(server.url, apiKey, { type: 'offline', contact: { phone: '89127000001' } });
    expect(old.body.isDuplicate).toBe(false);
    expect(now.body).toMatchObject({ isDuplicate: false, duplicateOf: null });
    expect(project.duplicateWindowMinutes).toBe(60);
  });

  it('window 0 turns duplicate marking off', async () => {
    try {
      await setProject({ duplicateWindowMinutes: 0 });
      const a = await postLead(server.url, apiKey, {
        type: 'offline',
        contact: { email: 'nodup@example.ru' },
      });
      const b = await postLead(server.url, apiKey, {
        type: 'offline',
        contact: { email: 'nodup@example.ru' },
      });
      expect([a.body.isDuplicate, b.body.isDuplicate]).toEqual([false, false]);
    } finally {
      await setProject({ duplicateWindowMinutes: 60 });
    }
  });
});
