// How the example commands print: colour only on a terminal with NO_COLOR unset (or empty, as
// https://no-color.org says), and lines that fit an 80-column terminal (narrower when the
// terminal is narrower, down to 60).

/** How to draw for the current standard output. */
export interface TerminalStyle {
  /** Whether to use ANSI colours. */
  color: boolean;
  /** The width to fit, in columns. */
  width: number;
  /** Whether standard output is a terminal (progress lines are drawn only there). */
  terminal: boolean;
}

/**
 * The style for `Deno.stdout`: colour when it is a terminal and `NO_COLOR` is unset or empty;
 * 80 columns, or the terminal's width when that is narrower (at least 60).
 *
 * @returns The style.
 */
export function terminalStyle(): TerminalStyle {
  let terminal = false;
  try {
    terminal = Deno.stdout.isTerminal();
  } catch {
    terminal = false;
  }
  let noColor = false;
  try {
    noColor = (Deno.env.get("NO_COLOR") ?? "") !== "";
  } catch {
    noColor = false;
  }
  let width = 80;
  if (terminal) {
    try {
      const columns = Deno.consoleSize().columns;
      // 0 when the terminal does not say (some pseudo-terminals): keep 80.
      if (columns > 0) width = Math.max(60, Math.min(80, columns));
    } catch {
      width = 80;
    }
  }
  return { color: terminal && !noColor, width, terminal };
}

/** Writes text to standard output, synchronously (so that lines never interleave). */
export function writeStdout(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

/** Paints text with an ANSI SGR code when `color` is on. */
export function paint(color: boolean, code: string, text: string): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}
