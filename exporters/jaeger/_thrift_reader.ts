// What the emitBatch decoder (decode_emit_batch.ts) needs from a Thrift protocol reader, so that
// the Jaeger structs are decoded once for both protocols: the compact reader (_compact_reader.ts,
// port 6831) and the binary reader (_binary_reader.ts, port 6832). Type ids are the compact
// protocol's (`CT`): the binary reader translates its own, and reads a bool field's value with
// its header (as compact carries it there), returning `CT.BOOLEAN_TRUE` with `fieldBool` set.

import { CT } from "./_compact_writer.ts";

/** A strict Thrift reader over one message's bytes; every problem is a DecodeError. */
export interface ThriftReader {
  /** The input. */
  readonly bytes: Uint8Array;
  /** The offset of the next byte to read. */
  pos: number;
  /** Bytes left to read. */
  readonly remaining: number;
  /** The field id of the last field header read. */
  fieldId: number;
  /** For a bool field, its value (read with the header). */
  fieldBool: boolean;
  /** The element type (a compact type id) of the last list/set header read. */
  elemType: number;
  /** Throws a DecodeError saying what, at `offset` (default: the current position). */
  fail(what: string, offset?: number): never;
  /** Reads a field header; returns its compact type id (CT.STOP at the end of a struct). */
  readFieldHeader(): number;
  /** Reads a list or set header; returns its size (checked against the bytes left). */
  readListHeader(what: string): number;
  /** Reads an i32. */
  readI32(what: string): number;
  /** Reads an i64 as a signed bigint. */
  readI64(what: string): bigint;
  /** Reads a double. */
  readDouble(what: string): number;
  /** Reads a UTF-8 string (invalid sequences become U+FFFD). */
  readString(what: string): string;
  /** Reads binary (a copy). */
  readBinary(what: string): Uint8Array;
  /** Skips one value of the given compact type id (a field's, or a collection element's). */
  skip(type: number, inCollection: boolean): void;
  /** Enters a struct. */
  structBegin(): void;
  /** Leaves a struct (after its stop field). */
  structEnd(): void;
}

/** Skips a whole struct (its fields up to the stop), as both readers' `skip` do for structs. */
export function skipStruct(r: ThriftReader): void {
  r.structBegin();
  for (;;) {
    const t = r.readFieldHeader();
    if (t === CT.STOP) break;
    r.skip(t, false);
  }
  r.structEnd();
}
