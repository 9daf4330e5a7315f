// ExportTraceServiceResponse bodies, written through the same writers as requests (the mock
// receiver answers with them).

import {
  PARTIAL_ERROR_MESSAGE,
  PARTIAL_REJECTED_SPANS,
  RESPONSE_PARTIAL_SUCCESS,
} from "./_fields.ts";
import { JsonWriter } from "./_json_writer.ts";
import type { MessageWriter } from "./_message_writer.ts";
import { ProtoWriter } from "./_proto_writer.ts";

function writeResponse(w: MessageWriter, rejected: number, message: string): void {
  w.root();
  if (rejected > 0 || message !== "") {
    w.open(RESPONSE_PARTIAL_SUCCESS);
    if (rejected > 0) w.int(PARTIAL_REJECTED_SPANS, rejected);
    if (message !== "") w.string(PARTIAL_ERROR_MESSAGE, message);
    w.close();
  }
  w.endRoot();
}

/** An `ExportTraceServiceResponse` (empty for a full success), protobuf or JSON. */
export function encodePartialSuccess(rejected: number, message: string, json: boolean): Uint8Array {
  const w = json ? new JsonWriter(64) : new ProtoWriter(64);
  writeResponse(w, rejected, message);
  return w.bytes();
}
