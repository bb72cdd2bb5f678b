import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { CognitoPrincipal } from './cognito-principal';

/** The verified caller of a guarded route: `@CurrentUser() user: CognitoPrincipal`. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CognitoPrincipal =>
    context.switchToHttp().getRequest<{ user: CognitoPrincipal }>().user,
);
