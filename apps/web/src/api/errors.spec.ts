import { describe, expect, it } from '@jest/globals';
import { readCookie, toApiError } from './errors';

describe('toApiError', () => {
  it('groups the API field errors by field', () => {
    const e = toApiError(400, {
      statusCode: 400,
      message: 'text: too long; media.0.altText: is required',
      errors: [
        { field: 'text', message: 'is 510 characters, more than 500' },
        { field: 'text', message: 'must not be empty' },
        { field: 'media.0.altText', message: 'is required' },
      ],
    });
    expect(e.status).toBe(400);
    expect(e.fields.text).toEqual(['is 510 characters, more than 500', 'must not be empty']);
    expect(e.forField('media')).toEqual(['is required']);
    expect(e.forField('med')).toEqual([]);
    expect(e.message).toBe('text: too long; media.0.altText: is required');
  });

  it('reads Retry-After and survives bodies that are not the API shape', () => {
    const e = toApiError(429, 'Too Many Requests', '30');
    expect(e.retryAfterSeconds).toBe(30);
    expect(e.message).toBe('HTTP 429');
    expect(toApiError(400, { message: ['a', 'b'] }).message).toBe('a; b');
    expect(toApiError(400, { errors: [{ field: 1 }, null] }).fields).toEqual({});
  });
});

describe('readCookie', () => {
  it('finds one cookie among others, decoded', () => {
    expect(readCookie('a=1; piquet_csrf=ab%2Fc; piquet_csrf_x=no', 'piquet_csrf')).toBe('ab/c');
    expect(readCookie('a=1', 'piquet_csrf')).toBeNull();
    expect(readCookie('', 'piquet_csrf')).toBeNull();
  });
});
