/**
 * The report's words in English and French: a small dictionary, the sentences that compare strike
 * posts with ordinary ones, and number and date formats for each language.
 */
import type { Metric, Stats } from './figures.js';

export const LANGS = ['en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];

const LOCALE: Record<Lang, string> = { en: 'en-GB', fr: 'fr-FR' };

const METRIC_NAMES: Record<Lang, Record<Metric, { plural: string; none: string }>> = {
  en: {
    favourites: { plural: 'favourites', none: 'no favourites' },
    boosts: { plural: 'boosts', none: 'no boosts' },
    replies: { plural: 'replies', none: 'no replies' },
    quotes: { plural: 'quotes', none: 'no quotes' },
    impressions: { plural: 'impressions', none: 'no impressions' },
  },
  fr: {
    favourites: { plural: 'favoris', none: 'aucun favori' },
    boosts: { plural: 'partages', none: 'aucun partage' },
    replies: { plural: 'réponses', none: 'aucune réponse' },
    quotes: { plural: 'citations', none: 'aucune citation' },
    impressions: { plural: 'impressions', none: 'aucune impression' },
  },
};

export const metricName = (lang: Lang, metric: Metric): string => METRIC_NAMES[lang][metric].plural;

/** Ratios to one decimal, as each language writes them (3.4 / 3,4). */
export const formatRatio = (lang: Lang, x: number): string =>
  new Intl.NumberFormat(LOCALE[lang], { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x);

/** Counts, medians and means: at most one decimal. */
export const formatNumber = (lang: Lang, x: number | null): string =>
  x === null ? '–' : new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 1 }).format(x);

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const formatDateTime = (lang: Lang, at: Date, timeZone: string): string =>
  new Intl.DateTimeFormat(LOCALE[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(at);

export const formatTime = (lang: Lang, at: Date, timeZone: string): string =>
  new Intl.DateTimeFormat(LOCALE[lang], { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone }).format(at);

export interface Comparison {
  strike: Stats;
  baseline: Stats;
  ratio: { median: number | null; mean: number | null };
}

/** One sentence that says how strike posts did on a metric against ordinary posts, or why it cannot. */
export function ratioSentence(lang: Lang, metric: Metric, c: Comparison): string {
  const m = METRIC_NAMES[lang][metric];
  const r = (x: number) => formatRatio(lang, x);
  const n = (x: number | null) => formatNumber(lang, x);
  if (lang === 'fr') {
    if (c.strike.n === 0) return `Aucun post de grève n'a encore de décompte de ${m.plural}.`;
    if (c.baseline.n === 0) return `Aucun post ordinaire auquel comparer les ${m.plural} des posts de grève.`;
    if (c.ratio.median !== null && c.ratio.mean !== null) {
      return `Les posts de grève ont recueilli ${r(c.ratio.median)} fois la médiane des ${m.plural} des posts ordinaires, et ${r(c.ratio.mean)} fois leur moyenne.`;
    }
    if (c.ratio.mean !== null) {
      return `La médiane des ${m.plural} des posts ordinaires est de 0, sans rapport possible ; les posts de grève ont recueilli ${r(c.ratio.mean)} fois la moyenne des ${m.plural} des posts ordinaires.`;
    }
    return `Les posts ordinaires n'ont recueilli ${m.none}, sans rapport possible ; les posts de grève en ont recueilli ${n(c.strike.median)} en médiane et ${n(c.strike.mean)} en moyenne.`;
  }
  if (c.strike.n === 0) return `No strike post has a count of ${m.plural} yet.`;
  if (c.baseline.n === 0) return `There is no ordinary post to compare the strike posts' ${m.plural} with.`;
  if (c.ratio.median !== null && c.ratio.mean !== null) {
    return `Strike posts drew ${r(c.ratio.median)} times the median ${m.plural} of ordinary posts, and ${r(c.ratio.mean)} times the mean.`;
  }
  if (c.ratio.mean !== null) {
    return `Ordinary posts drew a median of 0 ${m.plural}, so there is no ratio of medians; strike posts drew ${r(c.ratio.mean)} times the mean ${m.plural} of ordinary posts.`;
  }
  return `Ordinary posts drew ${m.none} at all, so there is no ratio; strike posts drew a median of ${n(c.strike.median)} and a mean of ${n(c.strike.mean)}.`;
}

/** The page's fixed words. */
const EN = {
  report: 'Strike report',
  window: (from: string, until: string) => `From ${from} to ${until}`,
  states: { proposed: 'proposed', approved: 'approved', running: 'under way', ended: 'ended', cancelled: 'cancelled', rejected: 'rejected' } as Record<string, string>,
  live: 'Live: the strike is not over, these figures are still coming in.',
  asOf: (at: string) => `Figures as of ${at}.`,
  timesIn: (tz: string) => `Times in ${tz}.`,
  keyFigures: 'Key figures',
  strikePosts: 'strike posts',
  comments: 'comments',
  authors: 'people commenting',
  comparison: 'Strike posts against ordinary posts',
  baseline: (n: number, days: number, from: string, until: string) =>
    `Compared with ${n} ordinary posts of the same accounts, published in the ${days} days before the strike (${from} to ${until}).`,
  metric: 'metric',
  strikeMedian: 'strike median',
  ordinaryMedian: 'ordinary median',
  strikeMean: 'strike mean',
  ordinaryMean: 'ordinary mean',
  ratio: 'ratio',
  overTime: 'Engagement over time, all strike posts together',
  mediansChart: 'Median per post: strike posts and ordinary posts',
  strikeLabel: 'strike',
  ordinaryLabel: 'ordinary',
  perHour: 'Comments per hour',
  perAccount: 'Per account',
  perNetwork: 'Per network',
  account: 'account',
  network: 'network',
  posts: 'posts',
  ranked: 'Strike posts, ranked by favourites + boosts + replies',
  role: 'role',
  published: 'published',
  text: 'text',
  link: 'link',
  open: 'open',
  roles: { opening: 'opening', slot: 'slot', closing: 'closing' } as Record<string, string>,
  conversation: 'What people said',
  firstComments: (shown: number, total: number) => `The first ${shown} of ${total} comments, oldest first; all of them are in comments.csv.`,
  author: 'author',
  time: 'time',
  edited: 'edited',
  under: (rank: number) => `under post #${rank}`,
  gone: 'deleted on the network',
  noSnapshot: 'No counts collected yet.',
  noComments: 'No comments yet.',
  noPosts: 'No strike post has been published.',
};

export type Strings = typeof EN;

const FR: Strings = {
  report: 'Rapport de grève',
  window: (from: string, until: string) => `Du ${from} au ${until}`,
  states: { proposed: 'proposée', approved: 'approuvée', running: 'en cours', ended: 'terminée', cancelled: 'annulée', rejected: 'rejetée' } as Record<string, string>,
  live: 'En direct : la grève n’est pas finie, ces chiffres continuent d’arriver.',
  asOf: (at: string) => `Chiffres au ${at}.`,
  timesIn: (tz: string) => `Heures en ${tz}.`,
  keyFigures: 'Chiffres clés',
  strikePosts: 'posts de grève',
  comments: 'commentaires',
  authors: 'personnes ayant commenté',
  comparison: 'Posts de grève face aux posts ordinaires',
  baseline: (n: number, days: number, from: string, until: string) =>
    `Comparés à ${n} posts ordinaires des mêmes comptes, publiés dans les ${days} jours précédant la grève (du ${from} au ${until}).`,
  metric: 'mesure',
  strikeMedian: 'médiane grève',
  ordinaryMedian: 'médiane ordinaire',
  strikeMean: 'moyenne grève',
  ordinaryMean: 'moyenne ordinaire',
  ratio: 'rapport',
  overTime: 'Engagement au fil du temps, tous les posts de grève ensemble',
  mediansChart: 'Médiane par post : posts de grève et posts ordinaires',
  strikeLabel: 'grève',
  ordinaryLabel: 'ordinaire',
  perHour: 'Commentaires par heure',
  perAccount: 'Par compte',
  perNetwork: 'Par réseau',
  account: 'compte',
  network: 'réseau',
  posts: 'posts',
  ranked: 'Posts de grève, classés par favoris + partages + réponses',
  role: 'rôle',
  published: 'publié',
  text: 'texte',
  link: 'lien',
  open: 'voir',
  roles: { opening: 'ouverture', slot: 'créneau', closing: 'clôture' } as Record<string, string>,
  conversation: 'Ce que les gens ont dit',
  firstComments: (shown: number, total: number) => `Les ${shown} premiers des ${total} commentaires, du plus ancien au plus récent ; tous sont dans comments.csv.`,
  author: 'auteur·ice',
  time: 'heure',
  edited: 'modifié',
  under: (rank: number) => `sous le post n° ${rank}`,
  gone: 'supprimé du réseau',
  noSnapshot: 'Aucun décompte relevé pour l’instant.',
  noComments: 'Pas encore de commentaire.',
  noPosts: 'Aucun post de grève n’a été publié.',
};

export const STRINGS: Record<Lang, Strings> = { en: EN, fr: FR };
