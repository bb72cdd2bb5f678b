// The local AWS stand-ins ship no type declarations; these cover only what the local cloud
// calls.

declare module 'kinesalite' {
  import type { Server } from 'node:http';

  interface KinesaliteOptions {
    path?: string;
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
  }

  function kinesalite(options?: KinesaliteOptions): Server;
  export = kinesalite;
}

declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}

declare module 's3rver' {
  import type { Server } from 'node:http';
  import type { AddressInfo } from 'node:net';
  import type FilesystemStore from 's3rver/lib/stores/filesystem';

  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  /** The part of Koa's request context the local cloud's own middleware uses. */
  interface S3rverContext {
    method: string;
    path: string;
    query: Record<string, string | string[] | undefined>;
    /** s3rver's store (the app context's). */
    store: FilesystemStore;
    is(type: string): string | false | null;
    status: number;
    type: string;
    body: unknown;
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    httpServer?: Server;
    /** The store the controllers use, also reachable as context.store (s3rver is a Koa app). */
    store: FilesystemStore;
    context: { store: FilesystemStore };
    /** Koa's middleware array, composed when the server starts. */
    middleware: ((ctx: S3rverContext, next: () => Promise<unknown>) => unknown)[];
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
  export = S3rver;
}

declare module 's3rver/lib/models/object' {
  class S3Object {
    constructor(bucket: string, key: string, content: import('node:stream').Readable | null, metadata: Record<string, unknown>);
    range?: { start: number; end: number };
    readonly key: string;
    readonly metadata: Record<string, string>;
    readonly size: number;
    readonly lastModifiedDate: Date;
  }
  export = S3Object;
}

declare module 's3rver/lib/stores/filesystem' {
  import type { Readable } from 'node:stream';

  /** What s3rver's controllers hand to putObject. */
  interface S3rverObject {
    bucket: string;
    key: string;
    content: Readable | Buffer;
    metadata: Record<string, string>;
  }

  class FilesystemStore {
    constructor(rootDirectory: string);
    readonly rootDirectory: string;
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    getMetadata(bucket: string, key: string): Promise<Record<string, unknown>>;
    /** The bucket, or null when there is none. */
    getBucket(bucket: string): Promise<unknown>;
    /** Current objects under a prefix, in key order, after `startAfter`; S3Objects without content. */
    listObjects(
      bucket: string,
      options: { prefix?: string; startAfter?: string; maxKeys?: number; delimiter?: string },
    ): Promise<{ objects: import('s3rver/lib/models/object')[]; commonPrefixes: string[]; isTruncated: boolean }>;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
    putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
    /** An S3Object (s3rver/lib/models/object), or null when the key does not exist. */
    getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<unknown>;
    putPart(bucket: string, uploadId: string, partNumber: number | string, content: Readable): Promise<{ size: number; md5: string }>;
    copyObject(
      srcBucket: string,
      srcKey: string,
      destBucket: string,
      destKey: string,
      replacementMetadata?: Record<string, string>,
    ): Promise<Record<string, unknown>>;
  }
  export = FilesystemStore;
}
