// Writes the api's OpenAPI document to the file given as argument, for the Lambda bundle
// (static-api-docs.ts serves it). Run by tools/lambda at build time, from a bundle of this
// file, with a stand-in environment: the app graph is built in preview mode (no provider is
// instantiated, nothing is called), which is all the document needs.
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { buildApiDocument } from './api-docs';

async function main(): Promise<void> {
  const [out] = process.argv.slice(2);
  if (!out) throw new Error('usage: openapi-document.main <out.json>');
  const app = await NestFactory.create(AppModule, { preview: true, logger: false, abortOnError: false });
  writeFileSync(out, `${JSON.stringify(buildApiDocument(app), null, 2)}\n`);
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
