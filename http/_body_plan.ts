// How `traceLayer` counts a response body and decides when the server span ends: every
// strategy in one function, chosen from the response alone (status, method, headers, body
// shape, Deno's `info.completed`), without touching `response.body` (reading that getter
// would turn a fixed body into a stream and cost the runtime its fast path).
//
// Pure apart from reading the response: `tests/http/body_plan_test.ts` drives it with a table
// of responses.

import { bodyShape, NO_BODY, STREAM } from "./_deno_body.ts";

/** Above this size (64 KiB) a fixed body is not taken as sent when it is handed over. */
export const LARGE_BODY = 65_536;

/**
 * The plan for a response:
 *
 * - `empty`: no body will be sent (a null body, `HEAD`, a 101 upgrade, a body already used):
 *   the span ends when the handler returns;
 * - `fixed`: a body of `bytes` bytes, known without reading it; the span ends when it is
 *   handed over, or, when `waitFor` is given, when the runtime says it was delivered;
 *   `processed` says whether "request processed" is recorded (not for an empty body sized
 *   by its `content-length` alone);
 * - `stream`: a stream, counted chunk by chunk as the server pulls it;
 * - `look-ahead`: the runtime does not tell the body's shape: look through a `clone()`.
 */
export type BodyPlan =
  | { readonly how: "empty" }
  | {
    readonly how: "fixed";
    readonly bytes: number;
    readonly waitFor: Promise<void> | undefined;
    readonly processed: boolean;
  }
  | { readonly how: "stream" }
  | { readonly how: "look-ahead" };

const EMPTY: BodyPlan = { how: "empty" };
const STREAMED: BodyPlan = { how: "stream" };
const LOOK_AHEAD: BodyPlan = { how: "look-ahead" };

const DIGITS = /^\d{1,15}$/;

/** The body size a response declares in `content-length`, if a sane one. */
export function declaredLength(headers: Headers): number | undefined {
  const value = headers.get("content-length");
  return value !== null && DIGITS.test(value) ? Number(value) : undefined;
}

/** Deno's `ServeHandlerInfo.completed`, when the runtime passed one. */
export function completedOf(info: unknown): Promise<void> | undefined {
  const completed = info !== null && typeof info === "object"
    ? (info as { completed?: unknown }).completed
    : undefined;
  return completed instanceof Promise ? completed : undefined;
}

/**
 * Chooses how to count `response`'s body and when the span ends.
 *
 * @param response The handler's response.
 * @param method The request method.
 * @param info What the runtime passed after the request (Deno's `ServeHandlerInfo`).
 */
export function planBody(response: Response, method: string, info: unknown): BodyPlan {
  const status = response.status;
  if (method === "HEAD" || status === 101 || response.bodyUsed) return EMPTY;
  const declared = declaredLength(response.headers);
  if (declared !== undefined) {
    const completed = completedOf(info);
    // The runtime sends exactly `content-length` bytes and says when it is done: the body
    // need not be looked at.
    if (completed !== undefined) {
      return { how: "fixed", bytes: declared, waitFor: completed, processed: declared > 0 };
    }
  }
  const shape = bodyShape(response);
  if (shape >= 0) {
    // A fixed body: processed, handed over and (when small) sent at once.
    const waitFor = shape > LARGE_BODY ? completedOf(info) : undefined;
    return { how: "fixed", bytes: shape, waitFor, processed: true };
  }
  if (shape === NO_BODY) return EMPTY;
  if (shape === STREAM) return STREAMED;
  return LOOK_AHEAD;
}
