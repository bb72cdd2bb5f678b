/**
 * The few pieces of the protobuf wire format the KPL's aggregated record uses (varints and
 * length-delimited fields). Written by hand: the only npm deaggregator (aws-kinesis-agg)
 * pins an old protobufjs and pulls in async and agentkeepalive for four message fields.
 */

export const WIRE_VARINT = 0;
export const WIRE_LENGTH_DELIMITED = 2;

/** Reads fields one by one from a protobuf message. */
export class ProtobufReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** @returns the field number and wire type of the next field. */
  tag(): { field: number; wireType: number } {
    const tag = this.varint();
    return { field: Math.floor(tag / 8), wireType: tag % 8 };
  }

  /** An unsigned varint (up to 2^53, which covers every index the KPL writes). */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.offset >= this.bytes.length) throw new RangeError('truncated varint');
      const byte = this.bytes[this.offset++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new RangeError('varint longer than 10 bytes');
  }

  bytesField(): Uint8Array {
    const length = this.varint();
    if (this.offset + length > this.bytes.length) throw new RangeError('truncated length-delimited field');
    const value = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  stringField(): string {
    return Buffer.from(this.bytesField()).toString('utf8');
  }

  /** Skips a field this reader does not use (unknown fields are legal in protobuf). */
  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_LENGTH_DELIMITED) this.bytesField();
    else if (wireType === 1) this.offset += 8;
    else if (wireType === 5) this.offset += 4;
    else throw new RangeError(`unsupported wire type ${wireType}`);
  }
}

/** Writes protobuf fields (for tests and producers that aggregate). */
export class ProtobufWriter {
  private readonly chunks: Buffer[] = [];

  varintField(field: number, value: number): this {
    return this.raw(encodeVarint(field * 8 + WIRE_VARINT), encodeVarint(value));
  }

  bytesField(field: number, value: Uint8Array | string): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
    return this.raw(encodeVarint(field * 8 + WIRE_LENGTH_DELIMITED), encodeVarint(bytes.length), bytes);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }

  private raw(...parts: Buffer[]): this {
    this.chunks.push(...parts);
    return this;
  }
}

function encodeVarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
