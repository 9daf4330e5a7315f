// Text for error messages and warnings, shared by every folder (trace/ is the bottom layer):
// how an offending value is shown, and the message of anything thrown.

/** The longest part of an offending value shown in an error or warning. */
export const MAX_SHOWN_CHARS = 128;

/**
 * Cuts `text` to at most `max` characters, marking the cut and the full length, so that a
 * 10 KB hostile value never ends up whole in a log line or a response body.
 */
export function cut(text: string, max: number = MAX_SHOWN_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text;
}

/** `text`, cut (see {@linkcode cut}) and quoted as a JSON string. */
export function quoted(text: string, max: number = MAX_SHOWN_CHARS): string {
  return JSON.stringify(cut(text, max));
}

/** The message of anything thrown: an `Error`'s message, else its string form; never throws. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
