import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';

/**
 * Every rule dockerfile-utils (the parser/validator behind the Docker language server) can
 * be strict about is an error here: the Dockerfile is short, and a warning left alone today
 * is the build failure of the next Docker release.
 */
const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

/** The problems in a Dockerfile, one line each (`line N: message`); none means it passed. */
export function lintDockerfile(text: string): string[] {
  return validate(text, STRICT).map((problem) => `line ${problem.range.start.line + 1}: ${problem.message}`);
}
