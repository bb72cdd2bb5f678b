// The worker benchmark's S3 (s3rver) in a process of its own, forked by s3-server.process.ts
// with `-r ../auth/swc-register.js`. s3rver is the stand-in that limits a drain; in the shared
// local-cloud process it would also pay for kinesalite's reads and dynalite's status and lease
// writes on the same core. Here the raw PutObject ceiling and both consumers face this one
// s3rver and nothing else runs on its event loop. Fresh data in the folder the parent made (and
// removes), a free port, the buckets the parent names; exits when the parent goes away.
import { createS3rver } from '../../tools/local-cloud/s3rver';
import { dataDirFromParent } from '../shared/scratch-dir';
import type { S3ServerMessage } from './s3-server.messages';

const HOST = '127.0.0.1';

function send(message: S3ServerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const buckets = process.argv.slice(2);
  const directory = dataDirFromParent();
  // The same s3rver as the local cloud's (atomic writes), so the ceiling measured is the one the worker meets.
  const s3 = createS3rver({ address: HOST, port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await s3.run();
  process.on('disconnect', () => {
    const closing = s3.close();
    // Keep-alive sockets of the apps would hold close() open.
    s3.httpServer?.closeAllConnections();
    void closing.finally(() => process.exit(0));
  });
  send({ type: 'ready', endpoint: `http://${HOST}:${port}` });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
