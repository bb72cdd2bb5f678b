import { createServer, type Server } from 'node:net';
import { LOCAL_SERVICES, type LocalCloudPorts, type LocalService } from './local-cloud.options';
import { PortInUseError } from './port-in-use.error';

export const LOCAL_HOST = '127.0.0.1';

/**
 * Listens on 127.0.0.1 and resolves with the bound port (useful with port 0). A busy port
 * becomes a {@link PortInUseError} naming the service and the variable that moves it.
 */
export function listenOn(server: Pick<Server, 'listen' | 'once' | 'off' | 'address'>, port: number, service: LocalService): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? portInUse(port, service) : error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, LOCAL_HOST);
  });
}

/**
 * Checks every fixed (non-zero) port before anything opens its data files, so that a second
 * local cloud fails with a one-line message instead of a LevelDB lock error.
 */
export async function assertPortsFree(ports: LocalCloudPorts): Promise<void> {
  for (const service of Object.keys(ports) as LocalService[]) {
    if (ports[service] === 0) continue;
    const probe = createServer();
    await listenOn(probe, ports[service], service);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}

/** A port that was free a moment ago, for a child process that cannot report its own. */
export async function pickFreePort(service: LocalService): Promise<number> {
  const probe = createServer();
  const port = await listenOn(probe, 0, service);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export function portInUse(port: number, service: LocalService): PortInUseError {
  const { label, variable } = LOCAL_SERVICES[service];
  return new PortInUseError(port, label, variable);
}

/** A loopback port that was free a moment ago, for a server that is told its port (PORT). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, LOCAL_HOST, resolve);
  });
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
