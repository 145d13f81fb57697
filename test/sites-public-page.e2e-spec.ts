/**
 * A strike's public page (French and English: what, why, when, how decided — the rule and the totals
 * the ballot allows, never who chose what —, its messages, its sites) and the organisation's opt-in
 * iCalendar feed of its approved public strikes. A strike that is not public has neither.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type Api } from './support/api.js';
import { createTestEnv, type TestEnv } from './support/env.js';
import { approvedStrike, createVoters } from './support/strikes.js';

const at = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

describe('the public page of a strike, and the calendar', () => {
  let t: TestEnv;
  let api: Api;
  let admin: string;
  let voters: string[];
  let siteId: string;

  beforeAll(async () => {
    t = await createTestEnv();
    api = await startApi(t.config);
    ({ token: admin } = await api.createOrganisation('Rédaction du Matin'));
    voters = [admin, ...(await createVoters(api, admin, 2))];
    siteId = (await api.call('POST', '/v1/sites', admin, { name: 'Le Matin', origin: 'https://lematin.example' })).body.id;
  });

  afterAll(async () => {
    await api?.close();
    await t?.cleanup();
  });

  const page = async (id: string, query = '', acceptLanguage?: string) => {
    const res = await fetch(`${api.url}/v1/public/strikes/${id}${query}`, { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };

  const strikeBody = (title: string, startsIn: number) => ({
    title,
    reason: 'Contre la suppression de postes à la rédaction',
    startsAt: at(Date.now() + startsIn),
    endsAt: at(Date.now() + startsIn + 24 * HOUR),
    allAccounts: true,
    mode: 'occupation',
    messages: { opening: { text: 'Nous sommes en grève aujourd’hui.' }, closing: { text: 'Fin de la grève, merci.' } },
    sites: [{ siteId, form: 'banner' }],
  });

  it('tells what, why, when and how it was decided, in French and in English, with nothing that loads from elsewhere', async () => {
    const strike = await approvedStrike(api, admin, voters.slice(0, 2), strikeBody('Grève du 5 décembre', 2 * HOUR));
    const fr = await page(strike.id, '?lang=fr');
    expect(fr.status).toBe(200);
    expect(fr.headers.get('content-type')).toMatch(/text\/html/);
    expect(fr.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
    expect(fr.headers.get('set-cookie')).toBeNull();
    expect(fr.text).toContain('<html lang="fr">');
    for (const s of ['Grève du 5 décembre', 'Contre la suppression de postes', 'Une grève de Rédaction du Matin', 'Comment elle a été décidée', '2 pour, 0 contre, sur 3 membres', 'Vote à bulletin nominatif', 'Nous sommes en grève aujourd’hui.', 'Fin de la grève, merci.', 'https://lematin.example', 'Grève votée, à venir']) {
      expect(fr.text).toContain(s);
    }
    expect(fr.text).not.toMatch(/<script|src=/);
    const en = await page(strike.id, '', 'en-GB,en;q=0.8');
    for (const s of ['<html lang="en">', 'How it was decided', '2 for, 0 against, of 3 members with a vote', 'Named ballot', 'Strike voted, to come']) expect(en.text).toContain(s);
    // No name of who voted, even on a named ballot: the page gives totals.
    expect(fr.text).not.toContain('member 1');
  });

  it('gives a secret ballot\'s totals once decided, never a choice; a strike that is not public has no page', async () => {
    const rule = await api.call('PUT', '/v1/organisation/decision-rule', admin, { kind: 'votes', quorumCount: 2, quorumPercent: 50, ballot: 'secret' });
    expect(rule.status).toBe(200);
    const strike = await approvedStrike(api, admin, voters.slice(0, 2), strikeBody('Grève secrète', 3 * HOUR));
    const fr = await page(strike.id, '?lang=fr');
    expect(fr.text).toContain('Vote à bulletin secret');
    expect(fr.text).toContain('2 pour, 0 contre, sur 3 membres');
    expect(fr.text).not.toContain('member');

    const proposed = await api.call('POST', '/v1/strikes', admin, strikeBody('Pas encore votée', 4 * HOUR));
    expect((await page(proposed.body.id)).status).toBe(404);
    const withoutSites: Partial<ReturnType<typeof strikeBody>> = strikeBody('Sans site', 5 * HOUR);
    delete withoutSites.sites;
    const noSite = await approvedStrike(api, admin, voters.slice(0, 2), withoutSites);
    expect((await page(noSite.id)).status).toBe(404);
    expect((await page('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await page('not-a-uuid')).status).toBe(400);
    expect((await page(strike.id, '?lang=de')).status).toBe(400);
  });

  it('publishes the approved public strikes as iCalendar once an admin opts in, and stops when they opt out', async () => {
    const before = await api.call('GET', '/v1/strike-calendar', admin);
    expect(before.body).toEqual({ enabled: false, createdAt: null, url: null });
    expect((await api.call('PUT', '/v1/strike-calendar', voters[1]!, { enabled: true })).status).toBe(403);
    expect((await api.call('PUT', '/v1/strike-calendar', admin, { enabled: 'yes' })).body.errors[0].field).toBe('enabled');
    const on = await api.call('PUT', '/v1/strike-calendar', admin, { enabled: true });
    expect(on.status).toBe(200);
    expect(on.body.url).toMatch(/\/v1\/public\/calendars\/pqc_[A-Za-z0-9_-]{32}\/strikes\.ics$/);
    const path = new URL(on.body.url).pathname;
    const res = await fetch(api.url + path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const ics = await res.text();
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
    expect(ics).toContain('SUMMARY:Grève du 5 décembre');
    expect(ics).toContain('SUMMARY:Grève secrète');
    expect(ics).not.toContain('Pas encore votée');
    expect(ics).not.toContain('Sans site');

    const off = await api.call('PUT', '/v1/strike-calendar', admin, { enabled: false });
    expect(off.body.enabled).toBe(false);
    expect((await fetch(api.url + path)).status).toBe(404);
    const audit = (await api.call('GET', '/v1/audit', admin)).body.items.map((a: { action: string }) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['calendar.enabled', 'calendar.disabled', 'strike.sites']));
  });
});
