// A benchmark server process (forked by main.ts with `-r ./swc-register.js`): one Nest app,
// production settings, Nest's default logger as in the api, on a free loopback port. Talks
// to its parent over IPC: `ready` with the port, CPU usage on request; exits when the
// parent goes away.
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Express } from 'express';
import { FloorBenchModule } from './floor-bench.module';
import { NaiveBenchModule } from './naive-bench.module';
import { OursBenchModule } from './ours-bench.module';
import type { BenchServerMessage, BenchVariant, CpuUsageRequest } from './bench-server.messages';

function moduleFor(variant: BenchVariant) {
  switch (variant) {
    case 'ours':
      return OursBenchModule;
    case 'floor':
      return FloorBenchModule;
    case 'naive':
      // The same settings the api reads for its guard (main.ts sets both for every child).
      return NaiveBenchModule.forRoot({
        jwksUri: required('COGNITO_JWKS_URI'),
        issuer: required('COGNITO_ISSUER'),
        clientIds: required('COGNITO_CLIENT_IDS').split(','),
      });
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function send(message: BenchServerMessage): void {
  process.send?.(message);
}

async function start(variant: BenchVariant): Promise<INestApplication> {
  const app = await NestFactory.create(moduleFor(variant), { abortOnError: false });
  // As configureApp does for the api.
  (app.getHttpAdapter().getInstance() as Express).disable('x-powered-by');
  await app.listen(0, '127.0.0.1');
  return app;
}

async function main(): Promise<void> {
  const variant = process.argv[2] as BenchVariant;
  if (!['ours', 'naive', 'floor'].includes(variant)) throw new Error(`unknown variant ${variant}`);
  const app = await start(variant);
  const address = app.getHttpServer().address() as { port: number };
  process.on('message', (message: CpuUsageRequest) => {
    if (message.type !== 'cpu-usage') return;
    const { user, system } = process.cpuUsage();
    send({ type: 'cpu-usage', userMicros: user, systemMicros: system, rssBytes: process.memoryUsage().rss });
  });
  process.on('disconnect', () => {
    void app.close().finally(() => process.exit(0));
  });
  send({ type: 'ready', port: address.port });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
