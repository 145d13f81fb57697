import type { AccountCapabilitiesRecord, AccountRecord } from '#domain/models.js';

/** What the API shows of an account: never its token. */
export function accountView(a: AccountRecord, capabilities: AccountCapabilitiesRecord = {}) {
  return {
    id: a.id,
    network: a.network,
    instanceUrl: a.instanceUrl,
    remoteId: a.remoteId,
    handle: a.handle,
    displayName: a.displayName,
    profileUrl: a.profileUrl,
    limits: { maxCharacters: a.maxCharacters, maxMedia: a.maxMedia, charactersPerUrl: a.charactersPerUrl },
    status: a.status,
    statusReason: a.statusReason,
    rateLimitedUntil: a.rateLimitedUntil && a.rateLimitedUntil > new Date() ? a.rateLimitedUntil : null,
    createdAt: a.createdAt,
    // What its server offers, per feature (yes | no | unknown), as last checked.
    capabilities,
  };
}
