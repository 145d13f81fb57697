import { describe, expect, it } from '@jest/globals';
import { capabilityRows } from './capabilities';

describe('capabilityRows', () => {
  it('reads detected features and plain booleans, and says when there is nothing', () => {
    expect(capabilityRows(undefined)).toBeNull();
    expect(capabilityRows({ pin: { support: 'no', detail: 'the server answered 404' }, profileFields: { support: 'yes', detail: 'ok' }, odd: 3 })).toEqual([
      { key: 'pin', support: 'no', detail: 'the server answered 404' },
      { key: 'profileFields', support: 'yes', detail: 'ok' },
    ]);
    expect(capabilityRows({ features: { pin: true, nativeScheduling: false } })).toEqual([
      { key: 'pin', support: 'yes', detail: null },
      { key: 'nativeScheduling', support: 'no', detail: null },
    ]);
    expect(capabilityRows({ pin: { support: 'maybe' } })).toEqual([{ key: 'pin', support: 'unknown', detail: null }]);
  });
});
