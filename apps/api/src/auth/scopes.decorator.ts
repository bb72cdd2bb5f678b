import 'reflect-metadata';

/** Metadata key of {@link Scopes}: one entry per decorator, each a list of scopes. */
export const REQUIRED_SCOPES = 'auth:scopes';

/**
 * Requires OAuth scopes on a controller (class) or a route (method): the access token's
 * `scope` claim (space-separated; `CognitoPrincipal.scopes`) must contain ALL of them.
 *
 * Requirements combine, they never override: a route is allowed only when the caller meets
 * every `@Scopes()` and `@Groups()` on its class and on its method (and on a parent class),
 * so a method can narrow its controller's rule but never widen it. `@Public()` skips all of
 * them. Authenticated but not allowed → 403 (see `CognitoAuthorizationGuard`).
 *
 * @example `@Scopes('files/read', 'files/write')` — the token must carry both scopes.
 * @throws Error at decoration time for no scope, an empty one or one with spaces (a rule that
 *   checks nothing, or can never match a space-separated claim, is a bug)
 */
export function Scopes(...scopes: string[]): ClassDecorator & MethodDecorator {
  if (scopes.length === 0 || scopes.some((s) => s.trim() === '' || /\s/.test(s))) {
    throw new Error(`@Scopes() needs one or more non-empty scopes without spaces, got ${JSON.stringify(scopes)}`);
  }
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    // Appended, not replaced: two @Scopes() on one target both apply.
    const holder: object = descriptor ? (descriptor.value as object) : target;
    const existing = (Reflect.getMetadata(REQUIRED_SCOPES, holder) as string[][] | undefined) ?? [];
    Reflect.defineMetadata(REQUIRED_SCOPES, [...existing, [...scopes]], holder);
  };
}
