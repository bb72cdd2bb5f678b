import 'reflect-metadata';

/** Metadata key of {@link Groups}: one entry per decorator, each a list of groups. */
export const REQUIRED_GROUPS = 'auth:groups';

/**
 * Requires Cognito group membership on a controller (class) or a route (method): the access
 * token's `cognito:groups` claim (`CognitoPrincipal.groups`) must contain AT LEAST ONE of the
 * listed groups. For "in every one of these groups", stack decorators:
 * `@Groups('a') @Groups('b')`.
 *
 * Requirements combine, they never override: a route is allowed only when the caller meets
 * every `@Groups()` and `@Scopes()` on its class and on its method (and on a parent class),
 * so a method can narrow its controller's rule but never widen it. `@Public()` skips all of
 * them. Authenticated but not allowed → 403 (see `CognitoAuthorizationGuard`).
 *
 * @example `@Groups('admins', 'auditors')` — members of either group may call the route.
 * @throws Error at decoration time when no group is given (a rule that checks nothing is a bug)
 */
export function Groups(...groups: string[]): ClassDecorator & MethodDecorator {
  if (groups.length === 0 || groups.some((g) => g.trim() === '')) {
    throw new Error(`@Groups() needs one or more non-empty group names, got ${JSON.stringify(groups)}`);
  }
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    // Appended, not replaced: two @Groups() on one target both apply.
    const holder: object = descriptor ? (descriptor.value as object) : target;
    const existing = (Reflect.getMetadata(REQUIRED_GROUPS, holder) as string[][] | undefined) ?? [];
    Reflect.defineMetadata(REQUIRED_GROUPS, [...existing, [...groups]], holder);
  };
}
