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

/** True when requests are logged by RequestLogMiddleware (LOG_REQUEST_CONTEXT=off), not by nestjs-pino's middleware. */
const REQUEST_LOG_WITHOUT_CONTEXT = Symbol('REQUEST_LOG_WITHOUT_CONTEXT');

const ALL_ROUTES = [{ path: '*', method: RequestMethod.ALL }];

/**
 * Structured logs for an app, through nestjs-pino: JSON, one line per event, or pretty for a
 * terminal (LOG_FORMAT). HTTP requests get an id (the caller's sane `X-Request-Id`, else a
 * UUID), echoed in the response's `X-Request-Id` and written on the request's completion line
 * with the user's `sub` once the guard set it (pino-http). Health probes are not logged.
 *
 * With LOG_REQUEST_CONTEXT=on (the default) nestjs-pino's own middleware serves requests: it
 * runs pino-http and enters an AsyncLocalStorage per request, so every line logged through
 * Nest's `Logger` or `PinoLogger` while serving it carries its `requestId`. With `off`,
 * `RequestLogMiddleware` runs pino-http alone: the request line has the id, other lines only
 * when they name it. The context was turned off on Node 20, where AsyncLocalStorage hooks every
 * promise of the process; on Node 24 (AsyncContextFrame) it costs what `npm run
 * bench:request-context` measures (README, Logs).
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
            const settings = loggingEnvironment(environment);
            const withContext = httpRequests && settings.LOG_REQUEST_CONTEXT === 'on';
            // The root logger (PinoLogger.root) is built from these. With the request context,
            // nestjs-pino's middleware also logs the requests, so it gets the request-line options.
            const options: HttpLogOptions = withContext ? { ...loggerOptions(service, settings), ...httpRequestOptions() } : loggerOptions(service, settings);
            return { pinoHttp: destination === undefined ? options : [options, destination], forRoutes: withContext ? ALL_ROUTES : [] };
          },
        }),
      ],
      providers: [
        {
          provide: REQUEST_LOG_WITHOUT_CONTEXT,
          useFactory: () => httpRequests && loggingEnvironment(environment).LOG_REQUEST_CONTEXT === 'off',
        },
        { provide: HTTP_LOG_OPTIONS, useValue: httpRequestOptions() },
        RequestLogMiddleware,
      ],
    };
  }

  constructor(@Inject(REQUEST_LOG_WITHOUT_CONTEXT) private readonly requestLogWithoutContext: boolean) {}

  configure(consumer: MiddlewareConsumer): void {
    if (this.requestLogWithoutContext) consumer.apply(RequestLogMiddleware).forRoutes(...ALL_ROUTES);
  }
}

function loggingEnvironment(environment: Record<string, string | undefined> | undefined): LoggingEnvironment {
  return validateEnvironment(loggingEnvironmentSchema)(environment ?? process.env);
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
