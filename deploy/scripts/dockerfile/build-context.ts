import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileSystem, IgnoreMode } from 'aws-cdk-lib';

/**
 * Copies the Docker build context of `root` to `dest` the way `ContainerImage.fromAsset`
 * stages it for `cdk deploy` (aws-ecr-assets DockerImageAsset): the `.dockerignore` patterns
 * in Docker's syntax, the Dockerfile and `.dockerignore` always kept. The check builds from
 * this copy, so a file the image needs but `.dockerignore` drops fails the check here.
 */
export function copyBuildContext(root: string, dest: string, dockerfile = 'Dockerfile'): void {
  const ignoreFile = join(root, '.dockerignore');
  const patterns = existsSync(ignoreFile)
    ? readFileSync(ignoreFile, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
    : [];
  FileSystem.copyDirectory(root, dest, {
    exclude: [...patterns, '!.dockerignore', `!${dockerfile}`],
    ignoreMode: IgnoreMode.DOCKER,
  });
}
