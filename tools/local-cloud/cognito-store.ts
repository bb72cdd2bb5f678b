import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { storedAppClient } from './app-client.definition';
import { LOCAL_NAMES } from './local-cloud.outputs';

/** cognito-local keeps its store in `./.cognito` relative to its working directory. */
export function cognitoStoreDir(workDir: string): string {
  return join(workDir, '.cognito');
}

/**
 * Makes the cognito-local store ready to start: a damaged store (cognito-local rewrites whole
 * JSON files asynchronously, so concurrent writes interleave and the next start fails with
 * "Failed to load StormDB database file") is moved aside, and the pool and the issuer
 * configuration are pre-created so that tokens carry the AWS-format issuer. When the client
 * store is missing (first start, or moved aside) and a previous client id is known, the app
 * client is recreated under that id, so apps configured with it keep working.
 *
 * @returns the first damaged file and where the store was moved, if it was damaged.
 */
export async function prepareCognitoStore(
  workDir: string,
  previousClientId?: string,
): Promise<{ damagedFile: string; movedTo: string } | undefined> {
  const store = cognitoStoreDir(workDir);
  const damagedFile = (await damagedFiles(store))[0];
  let moved: { damagedFile: string; movedTo: string } | undefined;
  if (damagedFile !== undefined) {
    moved = { damagedFile, movedTo: await moveStoreAside(workDir) };
  }
  await mkdir(join(store, 'db'), { recursive: true });
  await writeIfMissing(join(store, 'config.json'), {
    TokenConfig: { IssuerDomain: LOCAL_NAMES.issuerDomain },
  });
  await writeIfMissing(join(store, 'db', `${LOCAL_NAMES.userPoolId}.json`), {
    Options: { Id: LOCAL_NAMES.userPoolId },
    Users: {},
    Groups: {},
  });
  if (previousClientId !== undefined) {
    await writeIfMissing(join(store, 'db', 'clients.json'), {
      Clients: { [previousClientId]: storedAppClient(previousClientId) },
    });
  }
  return moved;
}

/** Moves the whole store aside (kept for inspection) and returns where it went. */
export async function moveStoreAside(workDir: string): Promise<string> {
  const store = cognitoStoreDir(workDir);
  const movedTo = `${store}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  await rename(store, movedTo);
  return movedTo;
}

/** Store files that do not parse as JSON, relative to the store folder. */
export async function damagedFiles(store: string): Promise<string[]> {
  if (!existsSync(store)) return [];
  const damaged: string[] = [];
  for (const folder of [store, join(store, 'db')]) {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
      const file = join(folder, entry.name);
      const text = await readFile(file, 'utf8');
      try {
        // cognito-local treats an empty file as an empty store.
        if (text !== '') JSON.parse(text);
      } catch {
        damaged.push(relative(store, file));
      }
    }
  }
  return damaged;
}

async function writeIfMissing(file: string, content: unknown): Promise<void> {
  if (!existsSync(file)) await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
}
