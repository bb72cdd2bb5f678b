import { spawn } from 'node:child_process';

/**
 * An `authorize` step for a person: prints the login URL (always, since opening a browser can
 * silently fail on a remote shell) and, if asked, tries the platform's opener once.
 */
export function browserAuthorize(openBrowser: boolean, log: (line: string) => void) {
  return async (authorizeUrl: string): Promise<void> => {
    log(`Open this URL to log in (waiting for the callback):\n  ${authorizeUrl}`);
    if (!openBrowser) return;
    const [command, args] =
      process.platform === 'darwin'
        ? ['open', [authorizeUrl]]
        : process.platform === 'win32'
          ? ['cmd', ['/c', 'start', '""', authorizeUrl.replace(/&/g, '^&')]]
          : ['xdg-open', [authorizeUrl]];
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.on('error', () => undefined); // no opener installed: the printed URL is enough
      child.unref();
    } catch {
      // Same: the URL is printed above.
    }
  };
}
