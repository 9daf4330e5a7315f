// Hex digits to values: the one decoder of ids (trace/ids.ts) and of trace context headers
// (http/), for either case or lower case only.

const ANY_CASE = new Int8Array(128).fill(-1);
const LOWER = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) ANY_CASE[48 + i] = LOWER[48 + i] = i;
for (let i = 0; i < 6; i++) {
  ANY_CASE[97 + i] = LOWER[97 + i] = 10 + i;
  ANY_CASE[65 + i] = 10 + i;
}

/**
 * The value of the hex digit with char code `code`, or -1 when it is not one (also for NaN,
 * the code past a string's end).
 */
export function hexDigit(code: number, lowerCase: boolean): number {
  return code >= 0 && code < 128 ? (lowerCase ? LOWER : ANY_CASE)[code]! : -1;
}

/**
 * The u32 value of the hex digits `text[from..to)` (at most 8), or -1 when a character is not
 * an allowed hex digit.
 */
export function hexWord(text: string, from: number, to: number, lowerCase: boolean): number {
  // Int32 arithmetic (at most 8 digits fit), read as unsigned at the end.
  const table = lowerCase ? LOWER : ANY_CASE;
  let word = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? table[code]! : -1;
    if (value < 0) return -1;
    word = (word << 4) | value;
  }
  return word >>> 0;
}

/** Whether `text` is non-empty and all hex digits (lower case only when `lowerCase`). */
export function isHex(text: string, lowerCase: boolean): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    if (hexDigit(text.charCodeAt(i), lowerCase) < 0) return false;
  }
  return true;
}
