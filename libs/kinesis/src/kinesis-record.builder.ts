/**
 * What `ClientKinesis.emit(pattern, value)` accepts besides plain data: the data with its
 * headers and an explicit partition key. Build one with {@link KinesisRecordBuilder}, as with
 * Nest's `KafkaRecordBuilder` / `RmqRecordBuilder`.
 */
export class KinesisRecord<T = unknown> {
  constructor(
    readonly data: T,
    readonly headers: Record<string, string> = {},
    /** Records with the same key go to the same shard, in order. Default: the event id. */
    readonly partitionKey?: string,
  ) {}
}

export class KinesisRecordBuilder<T = unknown> {
  private headers: Record<string, string> = {};
  private partitionKey?: string;

  constructor(private data?: T) {}

  setData(data: T): this {
    this.data = data;
    return this;
  }

  setHeaders(headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers };
    return this;
  }

  setPartitionKey(partitionKey: string): this {
    this.partitionKey = partitionKey;
    return this;
  }

  build(): KinesisRecord<T> {
    return new KinesisRecord(this.data as T, this.headers, this.partitionKey);
  }
}
