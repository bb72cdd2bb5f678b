import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import dynalite from 'dynalite';
import kinesalite from 'kinesalite';
import type S3rver from 's3rver';
import type { ChildServerProcess } from './child-server.process';
import { startCognitoLocal } from './cognito-local.process';
import { CognitoStoreDamagedError } from './cognito-store-damaged.error';
import { moveStoreAside, prepareCognitoStore } from './cognito-store';
import { ensureUser, passwordLogin, type LocalTokens } from './cognito-users';
import { createLocalAwsClients, type LocalAwsClients } from './local-aws.clients';
import { claimLocalCloudData, dataPaths, releaseLocalCloudData, wipeLocalCloudData } from './local-cloud-data';
import { resolveLocalCloudOptions, type LocalCloudOptions, type LocalCloudPorts } from './local-cloud.options';
import { applyProfile } from './local-cloud.profile';
import type { AwsProfile } from './aws-profile/aws-profile';
import { LOCAL_CREDENTIALS, LOCAL_NAMES, readOutputs, writeOutputs, type LocalCloudOutputs } from './local-cloud.outputs';
import { seedLocalCloud } from './local-cloud.seeder';
import { createS3rver } from './s3rver';
import { findRedisServer, REDIS_MISSING_WARNING, startRedisServer } from './redis-server.process';
import { assertPortsFree, listenOn, LOCAL_HOST, pickFreePort, portInUse } from './ports';

/** A running, seeded local cloud. */
export interface LocalCloud {
  /** Its data folder. */
  readonly dir: string;
  /** Endpoints, ids and the demo user, as written to `<dir>/outputs.json`. */
  readonly outputs: LocalCloudOutputs;
  /** The AWS profile's proxies (their stats), when the cloud runs with `profile: 'aws'`. */
  readonly awsProfile?: AwsProfile;
  /** Settles with an error if a stand-in stops on its own (cognito-local and redis-server are child processes). */
  readonly failure: Promise<Error>;
  /** Creates a user (or resets its password). Call for one user at a time. */
  ensureUser(username: string, password: string): Promise<void>;
  /** USER_PASSWORD_AUTH against the local pool with the seeded app client. */
  login(username: string, password: string): Promise<LocalTokens>;
  /** Stops every stand-in and releases the data folder. Safe to call twice. */
  stop(): Promise<void>;
}

type Stopper = () => Promise<void>;

/**
 * Starts kinesalite, s3rver and dynalite in this process and cognito-local as a child, all on
 * 127.0.0.1, and redis-server (the api's shared rate limits) as a child where it is installed
 * (otherwise one warning through `log`: the apps then limit per process), then seeds them idempotently and writes `<dir>/outputs.json`. Data lives in the
 * folder and survives a restart. Throws a LocalCloudConfigError (one-line message) for
 * problems the user can fix, such as a busy port.
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const resolved = resolveLocalCloudOptions(options);
  const { dir, ports, reset, log } = resolved;
  if (reset) {
    await wipeLocalCloudData(dir);
    log(`Wiped ${dir}`);
  }
  await assertPortsFree(ports);
  await claimLocalCloudData(dir);
  const paths = dataPaths(dir);
  const stoppers: Stopper[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    stoppers.length = 0;
    await releaseLocalCloudData(dir);
  };
  let clients: LocalAwsClients | undefined;
  try {
    await Promise.all([paths.kinesis, paths.dynamodb, paths.s3, paths.cognito, paths.redis].map((p) => mkdir(p, { recursive: true })));
    const bound = {} as LocalCloudPorts;
    const kinesis = kinesalite({ path: paths.kinesis, createStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
    bound.kinesis = await listenOn(kinesis, ports.kinesis, 'kinesis');
    stoppers.push(() => closeServer(kinesis));
    const dynamodb = dynalite({ path: paths.dynamodb, createTableMs: 0, updateTableMs: 0, deleteTableMs: 0 });
    bound.dynamodb = await listenOn(dynamodb, ports.dynamodb, 'dynamodb');
    stoppers.push(() => closeServer(dynamodb));
    // s3rver with atomic writes: an object is readable only once complete (see s3rver.ts).
    const s3 = createS3rver({
      address: LOCAL_HOST,
      port: ports.s3,
      silent: true,
      directory: paths.s3,
      configureBuckets: [{ name: LOCAL_NAMES.bucket }],
    });
    const s3Address = await s3.run().catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE' ? portInUse(ports.s3, 's3') : error;
    });
    bound.s3 = s3Address.port;
    stoppers.push(() => closeS3rver(s3));
    const previous = readOutputs(dir);
    const cognitoPort = ports.cognito || (await pickFreePort('cognito'));
    const cognito = await startCognito(paths.cognito, cognitoPort, previous?.clientId, log);
    bound.cognito = cognito.port;
    stoppers.push(() => cognito.stop());
    const redis = await startRedisIfInstalled(paths.redis, ports.redis, log);
    bound.redis = redis?.port ?? 0;
    if (redis) stoppers.push(() => redis.stop());

    const endpoints = {
      kinesis: `http://${LOCAL_HOST}:${bound.kinesis}`,
      s3: `http://${LOCAL_HOST}:${bound.s3}`,
      dynamodb: `http://${LOCAL_HOST}:${bound.dynamodb}`,
      cognito: `http://${LOCAL_HOST}:${bound.cognito}`,
    };
    clients = createLocalAwsClients(endpoints);
    const seeded = await seedLocalCloud(clients, previous);
    // After the stand-ins and seeding, so the profile only swaps the endpoints the apps get.
    const profiled = await applyProfile(resolved, endpoints);
    stoppers.push(profiled.stop);
    const issuer = `${LOCAL_NAMES.issuerDomain}/${LOCAL_NAMES.userPoolId}`;
    const outputs: LocalCloudOutputs = {
      region: LOCAL_NAMES.region,
      ports: bound,
      // Not behind the AWS profile: the cache answers within a millisecond in the same VPC too.
      endpoints: { ...profiled.endpoints, ...(redis ? { redis: `redis://${LOCAL_HOST}:${redis.port}` } : {}) },
      credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey },
      streamName: LOCAL_NAMES.streamName,
      bucket: LOCAL_NAMES.bucket,
      uploadsTable: LOCAL_NAMES.uploadsTable,
      leaseTable: LOCAL_NAMES.leaseTable,
      userPoolId: LOCAL_NAMES.userPoolId,
      clientId: seeded.clientId,
      issuer,
      jwksUri: `${endpoints.cognito}/${LOCAL_NAMES.userPoolId}/.well-known/jwks.json`,
      demoUser: seeded.demoUser,
      seededAt: new Date().toISOString(),
      ...(profiled.profile ? { profile: profiled.profile } : {}),
    };
    await writeOutputs(dir, outputs);
    return { ...runningCloud(dir, outputs, [cognito, ...(redis ? [redis] : [])], clients, stopAll), awsProfile: profiled.awsProfile };
  } catch (error) {
    clients?.destroy();
    await stopAll();
    throw error;
  }
}

/** Wipes the data folder of a local cloud that is not running (`--reset-only`). */
export async function resetLocalCloud(options: Pick<LocalCloudOptions, 'dir'> = {}): Promise<string> {
  const { dir } = resolveLocalCloudOptions(options);
  await wipeLocalCloudData(dir);
  return dir;
}

async function startCognito(
  workDir: string,
  port: number,
  previousClientId: string | undefined,
  log: (line: string) => void,
): Promise<ChildServerProcess> {
  const moved = await prepareCognitoStore(workDir, previousClientId);
  if (moved) log(`Cognito store was damaged (${moved.damagedFile}): moved it to ${moved.movedTo} and re-seeding`);
  try {
    return await startCognitoLocal(workDir, port);
  } catch (error) {
    if (!(error instanceof CognitoStoreDamagedError)) throw error;
    // Damage our own check missed (cognito-local parses more strictly, e.g. dates).
    const movedTo = await moveStoreAside(workDir);
    log(`Cognito store was damaged (cognito-local could not load it): moved it to ${movedTo} and re-seeding`);
    await prepareCognitoStore(workDir, previousClientId);
    return startCognitoLocal(workDir, port);
  }
}

/** redis-server on `port` (0: a free one), or undefined with one warning where it is not installed. */
async function startRedisIfInstalled(workDir: string, port: number, log: (line: string) => void): Promise<ChildServerProcess | undefined> {
  if (findRedisServer() === undefined) {
    log(REDIS_MISSING_WARNING);
    return undefined;
  }
  return startRedisServer(port || (await pickFreePort('redis')), workDir);
}

function runningCloud(
  dir: string,
  outputs: LocalCloudOutputs,
  children: ChildServerProcess[],
  clients: LocalAwsClients,
  stopAll: () => Promise<void>,
): LocalCloud {
  let stopped: Promise<void> | undefined;
  // The first child to exit unexpectedly; only unexpected exits count, so a child asked to
  // stop contributes a promise that never settles.
  const failure = Promise.race(
    children.map((child) =>
      child.exited.then((code) =>
        child.isStopping ? new Promise<Error>(() => undefined) : new Error(`${child.name} exited unexpectedly (code ${code}):\n${child.output()}`),
      ),
    ),
  );
  return {
    dir,
    outputs,
    failure,
    ensureUser: (username, password) => ensureUser(clients.cognito, outputs.userPoolId, username, password),
    login: (username, password) => passwordLogin(clients.cognito, outputs.clientId, username, password),
    stop() {
      stopped ??= (async () => {
        clients.destroy();
        await stopAll();
      })();
      return stopped;
    },
  };
}

/** Closes an HTTP server, including keep-alive connections the apps still hold. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

async function closeS3rver(s3: S3rver): Promise<void> {
  const closing = s3.close();
  s3.httpServer?.closeAllConnections();
  await closing;
}
