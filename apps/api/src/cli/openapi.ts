import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { OPENAPI_JSON, OPENAPI_TYPES, renderClientFiles } from './openapi-files.js';

// `npm run openapi:generate`: writes the OpenAPI document and the web client's types (no database needed).
const { json, types } = await renderClientFiles();
writeFileSync(OPENAPI_JSON, json);
writeFileSync(OPENAPI_TYPES, types);
console.log(`wrote ${OPENAPI_JSON} and ${OPENAPI_TYPES}`);
