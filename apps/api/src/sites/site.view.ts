import type { SchemaObject } from '@nestjs/swagger';
import { SITE_FORMS, SITE_KINDS } from '#sites/access.js';
import { EMBED_SCRIPT_SHA256 } from './embed-script.js';
import type { SiteRecord, StrikeSiteRecord } from './sites.repository.js';

/** How a site reads in the API: its key and the lines to paste into its pages and its proxy. */
export function siteView(s: SiteRecord, publicUrl: string) {
  const base = publicUrl.replace(/\/$/, '');
  return {
    id: s.id,
    name: s.name,
    origin: s.origin,
    kind: s.kind,
    consent: s.kind === 'partner' ? { by: s.consentBy, at: s.consentAt, note: s.consentNote } : null,
    publicKey: s.publicKey,
    closedPrefixes: s.closedPrefixes,
    exceptPrefixes: s.exceptPrefixes,
    embed: {
      script: `<script src="${base}/v1/public/embed.js" data-site="${s.publicKey}" async></script>`,
      // For a CSP that allows the script by its hash (with integrity="…" crossorigin="anonymous" on the tag).
      sha256: EMBED_SCRIPT_SHA256,
      iframe: `${base}/v1/public/sites/${s.publicKey}/frame`,
      accessUrl: `${base}/v1/public/sites/${s.publicKey}/access`,
    },
    createdById: s.createdById,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export const strikeSiteView = (s: StrikeSiteRecord) => ({ siteId: s.siteId, name: s.name, origin: s.origin, form: s.form });

const str: SchemaObject = { type: 'string' };
const uuid: SchemaObject = { type: 'string', format: 'uuid' };
const date: SchemaObject = { type: 'string', format: 'date-time' };
const nullable = (s: SchemaObject): SchemaObject => ({ ...s, nullable: true });
const obj = (properties: Record<string, SchemaObject>): SchemaObject => ({ type: 'object', properties, required: Object.keys(properties) });
const arrayOf = (items: SchemaObject): SchemaObject => ({ type: 'array', items });

const site = obj({
  id: uuid,
  name: str,
  origin: str,
  kind: { type: 'string', enum: [...SITE_KINDS] },
  consent: nullable(obj({ by: nullable(str), at: nullable(date), note: nullable(str) })),
  publicKey: str,
  closedPrefixes: arrayOf(str),
  exceptPrefixes: arrayOf(str),
  embed: obj({ script: str, sha256: str, iframe: str, accessUrl: str }),
  createdById: uuid,
  createdAt: date,
  updatedAt: date,
});
const publicWindow = obj({ id: uuid, title: str, reason: str, form: { type: 'string', enum: [...SITE_FORMS] }, effectiveFrom: date, endsAt: date, pageUrl: str });

export const siteSchemas = {
  site,
  sites: obj({ items: arrayOf(site) }),
  strikeSite: obj({ siteId: uuid, name: str, origin: str, form: { type: 'string', enum: [...SITE_FORMS] } }),
  calendar: obj({ enabled: { type: 'boolean' }, createdAt: nullable(date), url: nullable(str) }),
  status: obj({ now: date, strike: nullable(publicWindow), next: nullable(publicWindow), checkAfter: date }),
};
