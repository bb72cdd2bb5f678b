/**
 * The upload page's Content-Security-Policy: its own scripts, styles and requests only, plus
 * the sign-in service's token endpoint (the code exchange and refreshes are fetches to it).
 * No 'unsafe-inline' or 'unsafe-eval', no plugins, no framing, and Trusted Types with no
 * policy at all, so an HTML-string sink (innerHTML and the like) cannot run even by mistake.
 * Exported so that a global helmet setup can give the page's routes this policy.
 */
export function uploadPageContentSecurityPolicy(connectOrigins: readonly string[] = []): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'"],
    'connect-src': ["'self'", ...new Set(connectOrigins)],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'require-trusted-types-for': ["'script'"],
    'trusted-types': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}
