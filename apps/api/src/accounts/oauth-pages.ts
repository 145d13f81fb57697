import type { VerifiedAccount } from '#networks/network-adapter.js';

// The HTML pages of an OAuth callback opened in a browser: no script, no style, one form.

export type Lang = 'fr' | 'en';

/** French when the browser prefers it to English, else English. */
export function pickLang(acceptLanguage: string | undefined): Lang {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('fr')) return 'fr';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

export const PAGE_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const NETWORK_NAMES: Record<string, string> = { mastodon: 'Mastodon', x: 'X', bluesky: 'Bluesky' };

function page(lang: Lang, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)} — Piquet</title></head>
<body>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

export function confirmPage(input: {
  lang: Lang;
  network: string;
  account: VerifiedAccount;
  instanceUrl: string;
  organisationName: string;
  state: string;
  csrf: string;
}): string {
  const { lang, account } = input;
  const network = NETWORK_NAMES[input.network] ?? input.network;
  const who = `<strong>${esc(account.displayName || account.handle)}</strong> (${esc(account.handle)}, ${esc(network)}, ${esc(new URL(input.instanceUrl).host)})`;
  const org = `<strong>${esc(input.organisationName)}</strong>`;
  const t =
    lang === 'fr'
      ? {
          title: 'Connecter ce compte ?',
          text: `Connecter le compte ${who} à l’organisation ${org} dans Piquet ? Piquet publiera pour elle avec ce compte, et le suspendra pendant ses grèves.`,
          connect: 'Connecter',
          cancel: 'Annuler',
        }
      : {
          title: 'Connect this account?',
          text: `Connect the account ${who} to the organisation ${org} in Piquet? Piquet will publish for it with this account, and pause it during its strikes.`,
          connect: 'Connect',
          cancel: 'Cancel',
        };
  return page(
    lang,
    t.title,
    `<p>${t.text}</p>
<form method="post" action="/v1/oauth/${esc(input.network)}/confirm">
<input type="hidden" name="state" value="${esc(input.state)}">
<input type="hidden" name="csrf" value="${esc(input.csrf)}">
<button type="submit">${t.connect}</button>
<a href="/accounts">${t.cancel}</a>
</form>`,
  );
}

export function refusedPage(lang: Lang): string {
  return lang === 'fr'
    ? page(
        lang,
        'Rien n’a été connecté',
        '<p>Cette connexion a été commencée par une autre personne, ou dans une autre session de navigateur : elle ne peut se terminer que là où elle a commencé. Aucun compte n’a été connecté.</p><p><a href="/accounts">Recommencer depuis la page Comptes de Piquet</a></p>',
      )
    : page(
        lang,
        'Nothing was connected',
        '<p>This connection was started by someone else, or in another browser session: it can only finish where it started. No account was connected.</p><p><a href="/accounts">Start again from Piquet’s Accounts page</a></p>',
      );
}
