import { LocalCloudConfigError } from './local-cloud-config.error';
import { parseLocalCloudProfile, parseSeed, type LocalCloudProfile } from './local-cloud.options';

/** What `npm run local-cloud` (and `npm start`, which passes them on) accepts. */
export interface LocalCloudArgs {
  reset: boolean;
  resetOnly: boolean;
  profile: LocalCloudProfile | undefined;
  seed: number | undefined;
}

export const LOCAL_CLOUD_USAGE = '[--reset | --reset-only] [--profile loopback|aws] [--seed <integer>]';

/**
 * Parses the local cloud's flags (`--profile aws` or `--profile=aws`, same for `--seed`);
 * anything else is a LocalCloudConfigError naming it and the usage.
 */
export function parseLocalCloudArgs(args: readonly string[]): LocalCloudArgs {
  const parsed: LocalCloudArgs = { reset: false, resetOnly: false, profile: undefined, seed: undefined };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? args[i].split(/=(.*)/s, 2) : [args[i], undefined];
    const value = () => {
      const next = inline ?? args[++i];
      if (next === undefined) throw new LocalCloudConfigError(`${flag} needs a value; usage: ${LOCAL_CLOUD_USAGE}`);
      return next;
    };
    switch (flag) {
      case '--reset':
        parsed.reset = true;
        break;
      case '--reset-only':
        parsed.resetOnly = true;
        break;
      case '--profile':
        parsed.profile = parseLocalCloudProfile(value(), '--profile');
        break;
      case '--seed':
        parsed.seed = parseSeed(value(), '--seed');
        break;
      default:
        throw new LocalCloudConfigError(`Unknown option ${args[i]}; usage: ${LOCAL_CLOUD_USAGE}`);
    }
  }
  return parsed;
}
