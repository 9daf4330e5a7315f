// Bytes as standard base64 (with padding), as OTLP's JSON writes bytes and Jaeger's JSON writes
// binary tags: for the OpenTelemetry bridge's byte-array attributes and the all-in-one's API.

/** `bytes` in standard base64. */
export function base64Of(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return btoa(text);
}
