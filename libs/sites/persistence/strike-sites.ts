import type { Prisma } from '#database/generated/client.js';
import { SITE_FORMS, type SiteForm } from '../access.js';

type Tx = Prisma.TransactionClient;

/** One site a strike names and the form it takes there. */
export interface StrikeSiteChoice {
  siteId: string;
  form: SiteForm;
}

/**
 * The sites an amend motion carries in its payload (beside the spec), or undefined when the
 * amendment leaves the strike's sites as they are. Anything else than a list of choices reads as
 * "unchanged": a payload written before sites existed.
 */
export function sitesFromPayload(payload: unknown): StrikeSiteChoice[] | undefined {
  const sites = (payload as { sites?: unknown } | null)?.sites;
  if (!Array.isArray(sites)) return undefined;
  return sites
    .filter((s): s is StrikeSiteChoice => typeof s?.siteId === 'string' && (SITE_FORMS as readonly string[]).includes(s?.form))
    .map((s) => ({ siteId: s.siteId, form: s.form }));
}

/** Whether two lists name the same sites with the same forms, in any order. */
export function sameSites(a: readonly StrikeSiteChoice[], b: readonly StrikeSiteChoice[]): boolean {
  const key = (list: readonly StrikeSiteChoice[]) => list.map((s) => `${s.siteId}:${s.form}`).sort().join(',');
  return key(a) === key(b);
}

/**
 * Replaces the sites a strike names, inside the caller's transaction (an approved amendment's, or a
 * proposal's edit), and says so in its audit trail. Sites of another organisation or removed since
 * are left out: the amendment was checked when proposed, and a site removed meanwhile stays removed.
 */
export async function replaceStrikeSites(
  tx: Tx,
  strike: { id: string; organisationId: string },
  sites: readonly StrikeSiteChoice[],
  by: { motionId?: string; actorId?: string },
): Promise<void> {
  const live = await tx.site.findMany({ where: { organisationId: strike.organisationId, id: { in: sites.map((s) => s.siteId) }, removedAt: null }, select: { id: true } });
  const ids = new Set(live.map((s) => s.id));
  // Sorted so the audit trail reads the same whatever order the request named them in.
  const kept = sites.filter((s) => ids.has(s.siteId)).sort((a, b) => (a.siteId < b.siteId ? -1 : a.siteId > b.siteId ? 1 : 0));
  const leftOut = sites.filter((s) => !ids.has(s.siteId)).map((s) => s.siteId);
  await tx.strikeSite.deleteMany({ where: { strikeId: strike.id } });
  if (kept.length) await tx.strikeSite.createMany({ data: kept.map((s) => ({ strikeId: strike.id, siteId: s.siteId, form: s.form })), skipDuplicates: true });
  await tx.auditEntry.create({
    data: {
      organisationId: strike.organisationId,
      strikeId: strike.id,
      motionId: by.motionId ?? null,
      actorId: by.actorId ?? null,
      action: 'strike.sites',
      // A site removed while the amendment was open is named, so its absence is never silent.
      detail: { sites: kept.map((s) => ({ siteId: s.siteId, form: s.form })), ...(leftOut.length ? { leftOut } : {}) },
    },
  });
}
