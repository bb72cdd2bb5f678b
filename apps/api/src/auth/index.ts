export * from './auth.module';
export * from './cognito-principal';
export * from './current-user.decorator';
export * from './public.decorator';
