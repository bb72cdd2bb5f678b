export * from './upload-record';
export * from './upload-status.repository';
export * from './upload-status.module';
export * from './upload-facts';
export * from './upload-status.batcher';
export * from './upload-listing';
export * from './upload-listing.repository';
export * from './deleted-uploads.reader';
