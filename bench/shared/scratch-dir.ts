import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The variable that hands a benchmark's child process the folder to keep its data in. */
export const DATA_DIR_VARIABLE = 'BENCH_DATA_DIR';

/**
 * A fresh folder under the system's temp folder for a stand-in's data (s3rver's objects,
 * dynalite's tables), made and removed by the *parent*: a child told to stop gets a few
 * seconds before it is killed, too few to delete a drain's gigabyte of small files, which
 * used to stay behind in /tmp after every run.
 */
export class ScratchDir {
  readonly path: string;

  constructor(prefix: string) {
    this.path = mkdtempSync(join(tmpdir(), prefix));
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** In the child: the folder its parent made (see ScratchDir). */
export function dataDirFromParent(): string {
  const dir = process.env[DATA_DIR_VARIABLE];
  if (!dir) throw new Error(`${DATA_DIR_VARIABLE} is not set: this process is started by its benchmark`);
  return dir;
}
