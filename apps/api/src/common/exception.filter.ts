import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';

/** The one exception filter: HTTP errors keep their body; anything else is a 500 that leaks nothing. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      // Some errors carry headers of their own (Retry-After on a 429).
      const headers = (exception as { headers?: Record<string, string> }).headers;
      if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.status(status).json(
        typeof body === 'string' ? { statusCode: status, error: HttpStatus[status] ?? 'Error', message: body } : body,
      );
      return;
    }
    // body-parser errors (malformed JSON, too large) carry a status of their own.
    const e = exception as { status?: number; type?: string; message?: string; stack?: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      const message = e.type === 'entity.parse.failed' ? 'body: is not valid JSON' : (e.message ?? 'Bad request');
      res.status(e.status).json({ statusCode: e.status, error: HttpStatus[e.status] ?? 'Error', message });
      return;
    }
    this.logger.error(e.message ?? String(exception), e.stack);
    res.status(500).json({ statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side' });
  }
}
