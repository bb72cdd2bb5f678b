import { LocalCloudConfigError } from './local-cloud-config.error';

/** A fixed port a stand-in needs is taken; the message says which variable moves it. */
export class PortInUseError extends LocalCloudConfigError {
  override readonly name = 'PortInUseError';

  constructor(
    readonly port: number,
    readonly service: string,
    readonly variable: string,
  ) {
    super(`Port ${port} (${service}) is in use: set ${variable} to another port`);
  }
}
