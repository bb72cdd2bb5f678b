import { createServer, type Server } from 'node:net';
import { assertPortsFree, listenOn, pickFreePort } from './ports';
import { PortInUseError } from './port-in-use.error';

describe('ports', () => {
  let busy: Server;
  let busyPort: number;

  beforeEach(async () => {
    busy = createServer();
    busyPort = await listenOn(busy, 0, 'kinesis');
  });

  afterEach(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it('names the port, the service and the variable that moves it when a port is taken', async () => {
    const error = await assertPortsFree({ kinesis: 0, s3: 0, dynamodb: busyPort, cognito: 0, redis: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toBe(`Port ${busyPort} (DynamoDB) is in use: set DYNAMODB_PORT to another port`);
  });

  it('passes when the fixed ports are free, and skips port 0', async () => {
    const free = await pickFreePort('s3');
    await expect(assertPortsFree({ kinesis: 0, s3: free, dynamodb: 0, cognito: 0, redis: 0 })).resolves.toBeUndefined();
  });

  it('turns EADDRINUSE from a real listen into the same message', async () => {
    const second = createServer();
    await expect(listenOn(second, busyPort, 'cognito')).rejects.toThrow(
      `Port ${busyPort} (Cognito) is in use: set COGNITO_PORT to another port`,
    );
  });
});
