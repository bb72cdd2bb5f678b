/** Child → parent messages of the benchmark's S3 process (s3-server.main.ts). */
export type S3ServerMessage = { type: 'ready'; endpoint: string } | { type: 'failed'; message: string };
