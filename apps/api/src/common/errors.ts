// The 400 shape lives in libs/core (the strike services in libs/strikes throw it too); the API's
// modules keep importing it from here.
export { invalid, invalidField, type FieldError } from '#core/errors.js';
