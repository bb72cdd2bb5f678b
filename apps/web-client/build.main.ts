// `npm run build`'s last step (tsx apps/web-client/build.main.ts): the upload page into
// dist/apps/web-client, next to the apps (the Dockerfile copies dist/apps).
import { relative } from 'node:path';
import { buildWebClient, WEB_CLIENT_DIST } from './build-web-client';

buildWebClient().then(
  (files) => console.log(`web client: ${files.join(', ')} in ${relative(process.cwd(), WEB_CLIENT_DIST) || '.'}`),
  (error: unknown) => {
    console.error(`web client build failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
