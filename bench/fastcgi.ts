/**
 * The few FastCGI records a responder request needs (FastCGI 1.0 specification,
 * https://fastcgi-archives.github.io/FastCGI_Specification.html): BEGIN_REQUEST with KEEP_CONN,
 * PARAMS, an empty STDIN, and a parser for STDOUT / STDERR / END_REQUEST. Used by the php-fpm floor
 * (bench/fastcgi-load.ts), which talks to the pool as nginx does, without nginx.
 *
 * Pure (no I/O).
 */

const VERSION = 1;
export const TYPE = { BEGIN_REQUEST: 1, END_REQUEST: 3, PARAMS: 4, STDIN: 5, STDOUT: 6, STDERR: 7 } as const;
const RESPONDER = 1;
const KEEP_CONN = 1;

function record(type: number, requestId: number, content: Buffer): Buffer {
  if (content.length > 0xffff) throw new Error(`FastCGI record content is at most 65535 bytes, got ${content.length}`);
  const h = Buffer.alloc(8);
  h.writeUInt8(VERSION, 0);
  h.writeUInt8(type, 1);
  h.writeUInt16BE(requestId, 2);
  h.writeUInt16BE(content.length, 4);
  return Buffer.concat([h, content]);
}

/** A name or value length: one byte below 128, else four bytes with the high bit set. */
function length(n: number): Buffer {
  if (n < 128) return Buffer.from([n]);
  const b = Buffer.alloc(4);
  b.writeUInt32BE((n | 0x80000000) >>> 0, 0);
  return b;
}

export function encodeParams(params: Record<string, string>): Buffer {
  return Buffer.concat(
    Object.entries(params).flatMap(([k, v]) => {
      const [kb, vb] = [Buffer.from(k), Buffer.from(v)];
      return [length(kb.length), length(vb.length), kb, vb];
    }),
  );
}

/** One complete request (no body) on `requestId`, asking the server to keep the connection open. */
export function encodeRequest(requestId: number, params: Record<string, string>): Buffer {
  const begin = Buffer.alloc(8);
  begin.writeUInt16BE(RESPONDER, 0);
  begin.writeUInt8(KEEP_CONN, 2);
  const p = encodeParams(params);
  return Buffer.concat([
    record(TYPE.BEGIN_REQUEST, requestId, begin),
    record(TYPE.PARAMS, requestId, p),
    record(TYPE.PARAMS, requestId, Buffer.alloc(0)),
    record(TYPE.STDIN, requestId, Buffer.alloc(0)),
  ]);
}

export interface Record_ {
  readonly type: number;
  readonly requestId: number;
  readonly content: Buffer;
}

/** Split a byte stream into records; returns the complete ones and the unparsed rest. */
export function parseRecords(buf: Buffer): { records: Record_[]; rest: Buffer } {
  const records: Record_[] = [];
  let off = 0;
  while (buf.length - off >= 8) {
    const len = buf.readUInt16BE(off + 4);
    const pad = buf.readUInt8(off + 6);
    if (buf.length - off < 8 + len + pad) break;
    records.push({ type: buf.readUInt8(off + 1), requestId: buf.readUInt16BE(off + 2), content: buf.subarray(off + 8, off + 8 + len) });
    off += 8 + len + pad;
  }
  return { records, rest: buf.subarray(off) };
}

/** The HTTP status of a FastCGI response's STDOUT: its Status header, else 200 (CGI/1.1 section 6.3.3). */
export function responseStatus(stdout: string): number {
  const head = stdout.split(/\r?\n\r?\n/)[0];
  const m = /^Status:\s*(\d{3})/im.exec(head);
  return m ? Number(m[1]) : 200;
}
