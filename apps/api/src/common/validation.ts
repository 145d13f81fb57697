import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { invalid, invalidField, type FieldError } from './errors.js';
import { inputFault } from './input-guard.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(`property ${e.property} `) ? message.slice(`property ${e.property} `.length) : message.replace(new RegExp(`^${e.property} `), ''),
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

const isDto = (metatype: unknown): boolean =>
  typeof metatype === 'function' && ![String, Boolean, Number, Array, Object].includes(metatype as never);

/**
 * The one validation pipe: strips nothing silently, rejects unknown fields, names every bad one.
 * Before class-transformer runs it checks what no DTO can: the shape (an object where a DTO is
 * expected), NUL bytes, lone surrogates and nesting depth, so no input reaches the database or a
 * recursive transformer in a form that fails there with a 500.
 */
export class PiquetValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => invalid(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return value;
    // A whole body or query is named by its fields; a single parameter by its name.
    const fault = inputFault(value, metadata.data ?? '');
    if (fault) throw invalid([fault]);
    if (metadata.type === 'body' && !metadata.data && isDto(metadata.metatype)) {
      if (value === undefined) value = {};
      else if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidField('body', 'must be a JSON object');
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new PiquetValidationPipe();
}
