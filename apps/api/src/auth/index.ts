export * from './allow-id-token.decorator';
export * from './auth.module';
export * from './cognito-principal';
export * from './current-user.decorator';
export * from './public.decorator';
export * from './groups.decorator';
export * from './scopes.decorator';
