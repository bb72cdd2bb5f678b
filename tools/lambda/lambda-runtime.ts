/** The memory both functions get in deploy/ (lambda.stack.ts), which sets the heap flags below. */
export const LAMBDA_MEMORY_MIB = 1024;

/**
 * The options Lambda's Node runtime starts `node` with (its bootstrap script), so local runs
 * start the bundles as Lambda does. `--expose-gc` matters beyond fidelity: it is part of the
 * V8 flags a code cache is checked against, so a cache recorded without it is rejected on
 * Lambda (the heap sizes are not part of that check).
 */
export function lambdaNodeArgs(memoryMiB: number = LAMBDA_MEMORY_MIB): string[] {
  const newSpace = Math.floor(memoryMiB / 10);
  return ['--expose-gc', '--max-http-header-size', '81920', `--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryMiB - newSpace}`];
}
