export * from './local-cloud';
export * from './local-cloud.options';
export * from './local-cloud.outputs';
export * from './local-app.environment';
export * from './local-cloud-config.error';
export * from './port-in-use.error';
export { passwordLogin, type LocalTokens } from './cognito-users';
export { createLocalCognitoClient } from './local-aws.clients';
