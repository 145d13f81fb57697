import { describe, expect, it } from '@jest/globals';
import { inputFault, MAX_DEPTH } from './input-guard.js';

const nest = (n: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

describe('inputFault', () => {
  it('accepts ordinary JSON, emoji and accents included', () => {
    expect(inputFault({ text: 'Grève ✊ 🧑🏽‍🤝‍🧑🏻', media: [{ altText: 'é' }], n: 1, b: null }, '')).toBeNull();
    expect(inputFault(nest(MAX_DEPTH), '')).toBeNull();
  });

  it('names the field holding a NUL byte or a lone surrogate, at any depth', () => {
    expect(inputFault({ messages: { rotation: [{ text: 'ok' }, { text: 'a\u0000b' }] } }, '')).toEqual({
      field: 'messages.rotation.1.text',
      message: expect.stringContaining('NUL'),
    });
    expect(inputFault({ title: 'x\uD800' }, '')?.field).toBe('title');
    expect(inputFault({ title: '\uDC00x' }, '')?.message).toContain('surrogate');
    expect(inputFault('abc\u0000', 'id')).toEqual({ field: 'id', message: expect.stringContaining('NUL') });
  });

  it('refuses keys that Postgres could not store either', () => {
    expect(inputFault({ detail: { 'k\u0000': 1 } }, '')?.field).toBe('detail');
  });

  it('refuses nesting past the limit without recursing (20,000 levels)', () => {
    expect(inputFault(nest(MAX_DEPTH + 1), '')?.message).toContain(`deeper than ${MAX_DEPTH}`);
    const deep = JSON.parse('['.repeat(20_000) + ']'.repeat(20_000)) as unknown;
    expect(inputFault(deep, '')?.message).toContain('deeper');
  });
});
