/** cognito-local refused to start because a file of its JSON store does not parse. */
export class CognitoStoreDamagedError extends Error {
  override readonly name = 'CognitoStoreDamagedError';
}
