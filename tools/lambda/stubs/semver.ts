// Stands in for semver in the Lambda bundles (tools/lambda/bundle.options.ts): its only
// importer there, jsonwebtoken, asks at import time whether the running Node satisfies
// '^6.12.0 || >=8.0.0', '>=15.7.0' and '>=16.9.0'; the real package (~30 KiB, its range
// grammar compiled at load) is not needed for that. Ranges of other forms throw.

type Version = [number, number, number];

function parse(version: string): Version {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!match) throw new Error(`semver stand-in: cannot read version '${version}'`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

function satisfiesClause(version: Version, clause: string): boolean {
  const match = /^(>=|\^)\s*(\d+\.\d+\.\d+)$/.exec(clause.trim());
  if (!match) throw new Error(`semver stand-in (Lambda bundle): range '${clause}' is not supported, only '>=x.y.z' and '^x.y.z'`);
  const bound = parse(match[2]);
  if (compare(version, bound) < 0) return false;
  // ^x.y.z (x > 0): below the next major.
  return match[1] === '>=' || version[0] === bound[0];
}

export function satisfies(version: string, range: string): boolean {
  const parsed = parse(version);
  return range.split('||').some((clause) => satisfiesClause(parsed, clause));
}
