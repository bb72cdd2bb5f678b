import 'reflect-metadata';
import { lazyFacadePlugin } from './lazy-facade';
import { bundledPackage } from './testing/bundled-package';

/** The facade the api bundle gets for @aws-sdk/client-s3, evaluated with a require that records chunk loads. */
async function s3Facade(): Promise<{ facade: Record<string, any>; chunkLoads: () => number }> {
  let loads = 0;
  const fakeRequire = (id: string) => {
    if (id !== './lazy/s3.js') throw new Error(`unexpected require ${id}`);
    loads++;
    return require('@aws-sdk/client-s3');
  };
  const plugin = lazyFacadePlugin([{ name: '@aws-sdk/client-s3', lazyInstances: ['S3Client'] }], () => './lazy/s3.js');
  return { facade: (await bundledPackage('@aws-sdk/client-s3', [plugin], fakeRequire)).exports, chunkLoads: () => loads };
}

describe('the lazy facade of a package in the api bundle', () => {
  it('serves as a DI token and a constructor without loading the package', async () => {
    const { facade, chunkLoads } = await s3Facade();
    const { S3Client } = facade;
    // What Nest does with a token at start-up: its name, metadata, forwardRef check, the factory's `new`.
    expect(S3Client.name).toBe('S3Client');
    expect(Reflect.getMetadata('design:paramtypes', S3Client)).toBeUndefined();
    expect(S3Client.forwardRef).toBeUndefined();
    const client = new S3Client({ region: 'us-east-1' });
    expect(client.then).toBeUndefined();
    expect(client.onModuleInit).toBeUndefined();
    client.destroy(); // never used: nothing to close
    expect(chunkLoads()).toBe(0);
  });

  it('loads the package once, when a client or command is first used, and keeps instanceof right', async () => {
    const { facade, chunkLoads } = await s3Facade();
    const { S3Client, GetObjectCommand, NoSuchKey } = facade;
    const client = new S3Client({ region: 'eu-west-1' });
    expect(await client.config.region()).toBe('eu-west-1');
    const command = new GetObjectCommand({ Bucket: 'b', Key: 'k' });
    expect(command.input).toEqual({ Bucket: 'b', Key: 'k' });
    const real = require('@aws-sdk/client-s3');
    expect(new real.NoSuchKey({ message: 'gone', $metadata: {} }) instanceof NoSuchKey).toBe(true);
    expect(new Error('other') instanceof NoSuchKey).toBe(false);
    expect(chunkLoads()).toBe(1);
  });
});
