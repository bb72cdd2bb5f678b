export { uploadPageContentSecurityPolicy } from './content-security-policy';
export { webConfigFrom, webEnvironmentShape, WEB_SCOPES, type WebConfig } from './web-environment.schema';
export { WebModule } from './web.module';
