export { uploadPageContentSecurityPolicy } from './content-security-policy';
export { webConfigFrom, webEnvironmentShape, WEB_SCOPES, type WebConfig, type WebPageConfig } from './web-environment.schema';
export { WebModule } from './web.module';
