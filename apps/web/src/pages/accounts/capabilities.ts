export type Support = 'yes' | 'no' | 'unknown';
export interface CapabilityRow {
  key: string;
  support: Support;
  detail: string | null;
}

/**
 * What a server can do during a strike, from the account's `capabilities` field when the API sends
 * one (branch `servers`): `{ pin: { support: 'no', detail } }` or `{ pin: false }`. null: no field.
 */
export function capabilityRows(capabilities: unknown): CapabilityRow[] | null {
  if (!capabilities || typeof capabilities !== 'object') return null;
  const source = 'features' in capabilities && capabilities.features && typeof capabilities.features === 'object' ? capabilities.features : capabilities;
  return Object.entries(source as Record<string, unknown>).flatMap(([key, v]): CapabilityRow[] => {
    if (typeof v === 'boolean') return [{ key, support: v ? 'yes' : 'no', detail: null }];
    if (v && typeof v === 'object' && 'support' in v) {
      const s = (v as { support: unknown }).support;
      const detail = 'detail' in v && typeof v.detail === 'string' ? v.detail : null;
      return [{ key, support: s === 'yes' || s === true ? 'yes' : s === 'no' || s === false ? 'no' : 'unknown', detail }];
    }
    return [];
  });
}
