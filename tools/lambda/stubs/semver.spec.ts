import { satisfies } from './semver';

// The real package (no type declarations installed), to compare with.
const { satisfies: realSatisfies } = require('semver') as { satisfies(version: string, range: string): boolean };

describe('the semver stand-in of the Lambda bundles', () => {
  it.each([
    ['v20.20.2', '^6.12.0 || >=8.0.0'],
    ['v6.13.1', '^6.12.0 || >=8.0.0'],
    ['v7.0.0', '^6.12.0 || >=8.0.0'],
    ['v15.6.9', '>=15.7.0'],
    ['v15.7.0', '>=15.7.0'],
    ['v16.8.0', '>=16.9.0'],
    ['v22.11.0', '>=16.9.0'],
  ])('answers like semver for %s against %s (the ranges jsonwebtoken asks)', (version, range) => {
    expect(satisfies(version, range)).toBe(realSatisfies(version, range));
  });

  it('refuses a range it does not understand instead of guessing', () => {
    expect(() => satisfies('v20.0.0', '~1.2.3')).toThrow(/not supported/);
  });
});
