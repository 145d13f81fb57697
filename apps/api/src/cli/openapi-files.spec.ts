import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { OPENAPI_JSON, OPENAPI_TYPES, renderClientFiles } from './openapi-files.js';

// The web app's client types are generated from the API: committed files must match what the API says now.
describe('web client types', () => {
  it('are up to date with the API (run `npm run openapi:generate` when this fails)', async () => {
    const { json, types } = await renderClientFiles();
    expect(readFileSync(OPENAPI_JSON, 'utf8')).toBe(json);
    expect(readFileSync(OPENAPI_TYPES, 'utf8')).toBe(types);
  });
});
