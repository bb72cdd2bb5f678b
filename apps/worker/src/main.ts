import { Logger } from '@nestjs/common';
import { createWorkerApp } from './create-worker-app';

createWorkerApp().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'Worker');
  // Exit now: a half-started app may hold sockets open, and a container must restart.
  process.exit(1);
});
