// Stands in for iconv-lite in the Lambda bundles (tools/lambda/bundle.options.ts): body-parser
// and raw-body load it at import only to decode bodies with a charset, and its tables weigh
// ~480 KiB of code every cold start parses. Node's own TextDecoder decodes the charsets
// clients send in practice (JSON is UTF-8 by RFC 8259); only those where it gives exactly
// iconv-lite's text are accepted (on Node 20 it differs for windows-1252, windows-1251 and
// us-ascii). Any other fails the way iconv-lite does ("Encoding not recognized"), which
// body-parser and raw-body answer with 415: a clear refusal rather than different text.

const SAME_AS_ICONV = /^(utf-?8|utf-?16le|ucs-?2|latin1|iso-8859-(1|2|3|4|5|6|7|8|9|10|13|14|15|16)|koi8-[ru])$/;

function decoderFor(encoding: string): InstanceType<typeof TextDecoder> {
  const label = encoding.toLowerCase();
  if (!SAME_AS_ICONV.test(label)) {
    throw new Error(`Encoding not recognized: '${encoding}' (the Lambda bundle decodes UTF-8, UTF-16LE, ISO-8859-* and KOI8 only)`);
  }
  return new TextDecoder(label === 'ucs2' || label === 'ucs-2' ? 'utf-16le' : label);
}

export function encodingExists(encoding: string): boolean {
  try {
    decoderFor(encoding);
    return true;
  } catch {
    return false;
  }
}

export function decode(bytes: Uint8Array, encoding: string): string {
  return decoderFor(encoding).decode(bytes);
}

/** A streaming decoder with iconv-lite's interface (write per chunk, then end). */
export function getDecoder(encoding: string): { write(chunk: Uint8Array): string; end(): string | undefined } {
  const decoder = decoderFor(encoding);
  return {
    write: (chunk) => decoder.decode(chunk, { stream: true }),
    end: () => decoder.decode() || undefined,
  };
}
