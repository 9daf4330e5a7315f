/** The exit tests' child program (see _exit_child.mjs). */
export function exitChildSource(exporters: string, trace: string): string;
