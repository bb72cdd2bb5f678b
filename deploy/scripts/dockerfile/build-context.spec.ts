import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../../lib/repo-artifacts';
import { copyBuildContext } from './build-context';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('copyBuildContext (the repository .dockerignore)', () => {
  const dest = mkdtempSync(join(tmpdir(), 'build-context-spec-'));
  beforeAll(() => copyBuildContext(REPO_ROOT, dest));
  afterAll(() => rmSync(dest, { recursive: true, force: true }));

  it('keeps what npm ci and npm run build need', () => {
    for (const path of ['Dockerfile', 'package.json', 'package-lock.json', 'nest-cli.json', 'tsconfig.json', 'apps/api/src/main.ts', 'apps/worker/src/main.ts', 'apps/api/tsconfig.app.json', 'libs/kinesis/src/index.ts']) {
      expect({ path, kept: existsSync(join(dest, path)) }).toEqual({ path, kept: true });
    }
  });

  it('leaves out dependencies, build output, tests, local data and the deployment code', () => {
    for (const path of ['node_modules', 'dist', '.git', '.local-cloud', 'deploy', 'tools', 'test-kit', 'bench', 'apps/api/test']) {
      expect({ path, kept: existsSync(join(dest, path)) }).toEqual({ path, kept: false });
    }
    const specs = filesUnder(dest).filter((file) => /\.(spec|e2e-spec|int-spec|fault-spec)\.ts$/.test(file));
    expect(specs.map((file) => relative(dest, file))).toEqual([]);
  });
});
