import { BadRequestException } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/** Every 400 names the fields at fault: `{ message, errors: [{ field, message }] }`. */
export function invalid(errors: FieldError[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  });
}

export const invalidField = (field: string, message: string): BadRequestException => invalid([{ field, message }]);
