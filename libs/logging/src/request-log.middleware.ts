import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { pinoHttp, type HttpLogger, type Options as HttpLogOptions } from 'pino-http';

/** pino-http's options for request lines (ids, serializers, levels), without the logger's own. */
export const HTTP_LOG_OPTIONS = Symbol('HTTP_LOG_OPTIONS');

/**
 * One pino-http line per request on the app's root logger, and the request's id, without
 * nestjs-pino's request context: what LoggingModule applies with LOG_REQUEST_CONTEXT=off.
 */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  private httpLogger?: HttpLogger;

  constructor(@Inject(HTTP_LOG_OPTIONS) private readonly options: HttpLogOptions) {}

  use(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    // Built on the first request: nestjs-pino sets its root logger while the app initialises.
    this.httpLogger ??= pinoHttp({ ...this.options, logger: PinoLogger.root });
    this.httpLogger(request, response);
    next();
  }
}
