/**
 * A whole-number command-line option of a benchmark (`parseArgs` gives strings), at least
 * `min`; anything else stops the run with the option's name, before any work starts.
 */
export function wholeNumberOption(values: Record<string, unknown>, name: string, min = 1): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be ${min === 1 ? 'a positive integer' : `a whole number of at least ${min}`}`);
  }
  return value;
}
