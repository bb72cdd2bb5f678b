import type { z } from 'zod';
import { ContractViolationError } from './contract-violation.error';

/**
 * Parses `data` with `schema`, throwing a {@link ContractViolationError} that lists every
 * issue as `path: message`. Used by publishers before sending and by consumers on receipt.
 */
export function parseContract<S extends z.ZodType>(pattern: string, schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ContractViolationError(pattern, issues);
}
