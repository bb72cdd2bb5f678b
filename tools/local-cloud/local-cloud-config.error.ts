/**
 * A problem the user can fix (a busy port, a bad variable, a missing file). CLIs print its
 * message as one line and exit 1, without a stack trace.
 */
export class LocalCloudConfigError extends Error {
  override readonly name: string = 'LocalCloudConfigError';
}
