/** One Dockerfile instruction, its continuation lines joined. */
export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, COPY, ... */
  readonly keyword: string;
  /** Everything after the keyword. */
  readonly args: string;
  /** 1-based line where it starts (for messages). */
  readonly line: number;
}

/** A build stage: its FROM image and name, and the instructions after it. */
export interface DockerStage {
  readonly image: string;
  readonly name?: string;
  readonly instructions: DockerInstruction[];
}

export class DockerfileParseError extends Error {
  override readonly name = 'DockerfileParseError';
}

/**
 * Splits a Dockerfile into stages of instructions: comments and blank lines dropped, lines
 * ending in a backslash joined (Docker's default escape character). Enough for the check to
 * run the file's own steps; it does not evaluate ARG substitutions.
 */
export function parseDockerfile(text: string): DockerStage[] {
  const instructions: DockerInstruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i].trim();
    if (first === '' || first.startsWith('#')) continue;
    const start = i + 1;
    let joined = first;
    while (joined.endsWith('\\') && i + 1 < lines.length) {
      joined = joined.slice(0, -1).trimEnd();
      i++;
      const next = lines[i].trim();
      if (next !== '' && !next.startsWith('#')) joined += ` ${next}`;
    }
    const match = /^(\S+)\s*(.*)$/.exec(joined);
    if (!match) throw new DockerfileParseError(`line ${start}: cannot read "${joined}"`);
    instructions.push({ keyword: match[1].toUpperCase(), args: match[2], line: start });
  }
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!from) throw new DockerfileParseError(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      stages.push({ image: from[1], name: from[2], instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') {
        throw new DockerfileParseError(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
      }
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return stages;
}

/** `["a", "b"]` (exec form) → its words; anything else (shell form) → `["/bin/sh", "-c", text]`. */
export function commandWords(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) {
      throw new DockerfileParseError(`not a JSON array of strings: ${trimmed}`);
    }
    return parsed;
  }
  return ['/bin/sh', '-c', trimmed];
}

/** Splits leading `--flag=value` options off an instruction's arguments. */
export function splitFlags(args: string): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args.trim();
  for (let match = /^--([\w-]+)=(\S+)\s+/.exec(rest); match; match = /^--([\w-]+)=(\S+)\s+/.exec(rest)) {
    flags[match[1]] = match[2];
    rest = rest.slice(match[0].length);
  }
  return { flags, rest };
}

/** `KEY=value KEY2="x y"` (or the legacy `KEY value`) → pairs. */
export function envPairs(args: string): Record<string, string> {
  const legacy = /^(\w+)\s+([^=]*)$/.exec(args.trim());
  if (legacy) return { [legacy[1]]: legacy[2] };
  const pairs: Record<string, string> = {};
  for (const match of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    pairs[match[1]] = match[2].startsWith('"') ? (JSON.parse(match[2]) as string) : match[2];
  }
  return pairs;
}
