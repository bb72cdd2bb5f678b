import type { IncomingMessage, ServerResponse } from 'node:http';
import { Global, Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { LoggerModule, type Params } from 'nestjs-pino';
import { stdTimeFunctions, type LoggerOptions } from 'pino';
import type { Options as HttpLogOptions } from 'pino-http';
import { validateEnvironment } from '@lib/config';
import { serializeRequest, serializeResponse } from './http-log.serializers';
import { LOG_DESTINATION, type LogDestination } from './log-destination';
import { loggingEnvironmentSchema, type LoggingEnvironment } from './logging-environment.schema';
import { HTTP_LOG_OPTIONS, RequestLogMiddleware } from './request-log.middleware';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';
import { redactSecrets } from './secret-redaction';

export interface LoggingModuleOptions {
  /** Written on every line as `service`, so the api's and the worker's lines can share a log group. */
  service: string;
  /** Variables to read LOG_LEVEL / LOG_FORMAT from; `process.env` by default. */
  environment?: Record<string, string | undefined>;
  /** Log HTTP requests and give them ids (default true). The worker's only HTTP is health probes. */
  httpRequests?: boolean;
}

const LOG_HTTP_REQUESTS = Symbol('LOG_HTTP_REQUESTS');

/**
 * Structured logs for an app, through nestjs-pino: JSON, one line per event, or pretty for a
 * terminal (LOG_FORMAT). HTTP requests get an id (the caller's sane `X-Request-Id`, else a
 * UUID), echoed in the response's `X-Request-Id` and written on the request's completion line
 * with the user's `sub` once the guard set it (`RequestLogMiddleware`, pino-http). Health
 * probes are not logged.
 *
 * App lines written while serving a request do not get its id by themselves: nestjs-pino's
 * own middleware would bind it through an AsyncLocalStorage, which on Node 20 runs hooks on
 * every promise of the process and cost the api about a tenth of its CPU per upload. Lines
 * about a request name it (`correlationId`, `requestId`), as the upload's lines do.
 *
 * The app must then log through it: `NestFactory.create(Module, { bufferLogs: true })` and
 * `app.useLogger(app.get(Logger))` (Logger from nestjs-pino).
 */
@Global()
@Module({})
export class LoggingModule implements NestModule {
  static forRoot({ service, environment, httpRequests = true }: LoggingModuleOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          providers: [{ provide: LOG_DESTINATION, useValue: undefined }],
          inject: [LOG_DESTINATION],
          // Read when the app is created, not when its module file is imported.
          useFactory: (destination: LogDestination): Params => {
            const options = loggerOptions(service, validateEnvironment(loggingEnvironmentSchema)(environment ?? process.env));
            // Builds the root logger (PinoLogger.root); its request middleware is never applied.
            return { pinoHttp: destination === undefined ? options : [options, destination], forRoutes: [] };
          },
        }),
      ],
      providers: [
        { provide: LOG_HTTP_REQUESTS, useValue: httpRequests },
        { provide: HTTP_LOG_OPTIONS, useValue: httpRequestOptions() },
        RequestLogMiddleware,
      ],
    };
  }

  constructor(@Inject(LOG_HTTP_REQUESTS) private readonly httpRequests: boolean) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.httpRequests) consumer.apply(RequestLogMiddleware).forRoutes({ path: '*', method: RequestMethod.ALL });
  }
}

/** The app's root logger: level, format, the `service` field and secret redaction. */
function loggerOptions(service: string, { LOG_LEVEL, LOG_FORMAT }: LoggingEnvironment): LoggerOptions {
  return {
    level: LOG_LEVEL,
    base: { service },
    timestamp: stdTimeFunctions.isoTime,
    // Tokens and cookies are never printed, whatever a careless `logger.info(obj)` passes.
    formatters: { log: redactSecrets },
    ...(LOG_FORMAT === 'pretty' && {
      transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } },
    }),
  };
}

/** How pino-http names, describes and levels a request's completion line. */
function httpRequestOptions(): HttpLogOptions {
  return {
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const id = requestIdOf(request.headers[REQUEST_ID_HEADER]);
      response.setHeader('X-Request-Id', id);
      return id;
    },
    customAttributeKeys: { reqId: 'requestId' },
    // `req.log` lines carry only the request id; the completion line has the rest.
    quietReqLogger: true,
    serializers: { req: serializeRequest, res: serializeResponse },
    customProps: (request: IncomingMessage & { user?: { sub?: unknown } }) =>
      typeof request.user?.sub === 'string' ? { userSub: request.user.sub } : {},
    customLogLevel: (_request, response, error) => (error !== undefined || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info'),
    autoLogging: { ignore: (request) => (request.url ?? '').startsWith('/health') },
  };
}
