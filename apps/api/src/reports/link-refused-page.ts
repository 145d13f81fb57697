import { html } from '#reports/html.js';
import type { Lang } from '#reports/i18n.js';
import { REPORT_CSS } from './report-style.js';

export type LinkRefusal = 'invalid' | 'expired' | 'revoked' | 'gone';

/** 404 for a link that never existed, 410 for one past its time or whose strike is gone, 403 for one withdrawn. */
export const REFUSAL_STATUS: Record<LinkRefusal, number> = { invalid: 404, expired: 410, gone: 410, revoked: 403 };

const TEXT: Record<Lang, Record<LinkRefusal, { title: string; body: (at: string) => string }> & { ask: string }> = {
  en: {
    invalid: { title: 'This link does not work', body: () => 'This report link is not valid: it may be incomplete or mistyped.' },
    expired: { title: 'This link has expired', body: (at) => `It could be opened until ${at}.` },
    revoked: { title: 'This link was withdrawn', body: (at) => `A member of the organisation revoked it on ${at}.` },
    gone: { title: 'This report no longer exists', body: () => 'The strike this link pointed to has been deleted.' },
    ask: 'Ask a member of the organisation for a new link.',
  },
  fr: {
    invalid: { title: 'Ce lien ne fonctionne pas', body: () => 'Ce lien vers le bilan n’est pas valide : il est peut-être incomplet ou mal recopié.' },
    expired: { title: 'Ce lien a expiré', body: (at) => `Il pouvait être ouvert jusqu’au ${at}.` },
    revoked: { title: 'Ce lien a été retiré', body: (at) => `Un membre de l’organisation l’a révoqué le ${at}.` },
    gone: { title: 'Ce bilan n’existe plus', body: () => 'La grève vers laquelle menait ce lien a été supprimée.' },
    ask: 'Demandez un nouveau lien à un membre de l’organisation.',
  },
};

/** The page a refused report link opens: a sentence in the reader's language, not an error object. */
export function renderLinkRefused(reason: LinkRefusal, lang: Lang, at: Date | null, tz: string): string {
  const t = TEXT[lang];
  const when = at ? new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: tz }).format(at) : '';
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${t[reason].title} — Piquet</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
<h1>${t[reason].title}</h1>
<p>${t[reason].body(when)}</p>
<p>${t.ask}</p>
</main>
</body>
</html>
`.value;
}

/** `lang` when it is one we speak, else the first of fr/en in Accept-Language (by weight), else English. */
export function pageLang(lang: string | undefined, acceptLanguage: string | undefined): Lang {
  if (lang === 'fr' || lang === 'en') return lang;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? '1');
      return { base: tag.split('-')[0], q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((x): x is { base: Lang; q: number; i: number } => (x.base === 'fr' || x.base === 'en') && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.base ?? 'en';
}
