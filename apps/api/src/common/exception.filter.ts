import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { isDatabaseUnavailable, isDataException, sqlState } from '#database/sql-state.js';
import { invalidField } from './errors.js';

/** What a 503 for a database that went away asks the client to wait (seconds). */
const DATABASE_RETRY_AFTER_SECONDS = 2;

/** The one exception filter: HTTP errors keep their body; a database that went away is a 503 with
 * Retry-After; anything else is a 500 that leaks nothing. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    // Nest wraps body-parser's errors (malformed JSON, a body too large) in an HttpException; the
    // parser's own message (a JSON.parse position) says nothing useful to the client.
    const parserError = (exception instanceof HttpException ? exception.cause : exception) as { type?: string; status?: number } | undefined;
    if (parserError?.type === 'entity.parse.failed') {
      res.status(400).json(invalidField('body', 'is not valid JSON (a JSON object is expected)').getResponse());
      return;
    }
    if (parserError?.type === 'entity.too.large') {
      res.status(413).json({ ...(invalidField('body', 'is larger than the 1 MB a request may carry').getResponse() as object), statusCode: 413, error: 'Payload Too Large' });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const retryAfter = (exception as { retryAfterSeconds?: unknown }).retryAfterSeconds;
      if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
      res.status(status).json(
        typeof body === 'string' ? { statusCode: status, error: HttpStatus[status] ?? 'Error', message: body } : body,
      );
      return;
    }
    // body-parser errors (malformed JSON, too large) carry a status of their own.
    const e = exception as { status?: number; type?: string; message?: string; stack?: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ statusCode: e.status, error: HttpStatus[e.status] ?? 'Error', message: e.message ?? 'Bad request' });
      return;
    }
    // The last line: validation should have refused it (and the log says it did not), but a value
    // Postgres cannot store is still the client's input, not our failure.
    if (isDataException(exception)) {
      this.logger.warn(`Postgres refused a value (SQLSTATE ${sqlState(exception)}) that validation let through`);
      const bad = invalidField('body', 'holds a value that cannot be stored (invalid characters, or a number or date out of range)');
      res.status(400).json(bad.getResponse());
      return;
    }
    // The database restarting or failing over is not a bug: the client is told to come back shortly.
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${e.message ?? String(exception)}`);
      res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      res.status(503).json({ statusCode: 503, error: 'Service Unavailable', message: 'The database is unavailable for a moment: try again shortly' });
      return;
    }
    this.logger.error(e.message ?? String(exception), e.stack);
    res.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side' });
  }
}
