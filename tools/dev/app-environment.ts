/**
 * The environment an app runs with: the local cloud's values under whatever the user already
 * set (the user wins). `overridden` names the local values the user's environment replaced,
 * so that a stray AWS_REGION or AWS_ACCESS_KEY_ID from a real AWS setup is visible.
 */
export function mergeAppEnvironment(
  local: Record<string, string>,
  user: NodeJS.ProcessEnv,
): { env: NodeJS.ProcessEnv; overridden: string[] } {
  const overridden = Object.keys(local).filter((name) => user[name] !== undefined && user[name] !== local[name]);
  return { env: { ...local, ...user }, overridden };
}
