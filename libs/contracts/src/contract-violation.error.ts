/** A payload that does not satisfy its contract: never retriable. */
export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';

  constructor(
    readonly pattern: string,
    readonly issues: readonly string[],
  ) {
    super(`${pattern}: ${issues.join('; ')}`);
  }
}
