// The api as an AWS Lambda function behind API Gateway (HTTP API payload 2.0 or REST API 1.0).
// The Nest app is built once per execution environment, during the init phase (the Cognito
// signing keys are fetched then), and reused by every warm invocation.
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import serverlessExpress, { getCurrentInvoke } from '@vendia/serverless-express';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context, Handler } from 'aws-lambda';
import type { Express, NextFunction, Request, Response } from 'express';
import { Logger as PinoLogger } from 'nestjs-pino';
import { Metrics } from '@lib/metrics';
import { AppModule } from './app.module';
import { configureApp } from './configure-app';

/** Response bodies API Gateway must receive base64-encoded: anything but text and JSON (stored files). */
const TEXT_TYPES = /^(text\/|application\/(json|problem\+json|javascript|xml)\b)/i;

/** When each start-up step ended (ms since the process started), for bench/lambda. */
export const startupTimeline: Record<string, number> = { imported: 0 };

async function bootstrap(): Promise<{ serve: Handler; metrics: Metrics }> {
  // bufferLogs: start-up lines go out through the structured logger (one JSON line each in
  // CloudWatch), as in main.ts, not in Nest's multi-line console format.
  const app: INestApplication = await NestFactory.create(AppModule, { abortOnError: false, bufferLogs: true });
  app.useLogger(app.get(PinoLogger));
  startupTimeline.created = performance.now();
  const express = app.getHttpAdapter().getInstance() as Express;
  // The API Gateway event, for the JWT authorizer's claims (see CognitoAuthGuard): req.apiGateway.
  express.use((request: Request & { apiGateway?: unknown }, _response: Response, next: NextFunction) => {
    request.apiGateway = getCurrentInvoke();
    next();
  });
  configureApp(app);
  await app.init();
  startupTimeline.initialised = performance.now();
  const serve = serverlessExpress({
    app: express,
    binarySettings: { isBinary: ({ headers }: { headers: Record<string, unknown> }) => !TEXT_TYPES.test(String(headers['content-type'] ?? '')) },
  });
  return { serve, metrics: app.get(Metrics) };
}

// Started at import, i.e. in Lambda's init phase; awaited by the first invocation.
const ready = bootstrap();
startupTimeline.imported = performance.now();
// A failed start-up is reported by the first invocation, not as an unhandled rejection.
ready.catch(() => undefined);

export async function handler(event: APIGatewayProxyEventV2 | APIGatewayProxyEvent, context: Context): Promise<unknown> {
  const { serve, metrics } = await ready;
  // The publisher's emit resolves only once Kinesis took the record: nothing is pending
  // when the response returns, so a frozen execution environment loses nothing.
  try {
    return await serve(event, context, () => undefined);
  } finally {
    // A frozen function runs no timers: this invocation's metrics go out now.
    metrics.flush();
  }
}
