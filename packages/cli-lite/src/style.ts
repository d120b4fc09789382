/** Terminal styling; `colorWanted` says when it is on. */
export interface Style {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
}

const wrap = (enabled: boolean, open: number, close: number) => (text: string) =>
  enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;

export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
    green: wrap(enabled, 32, 39),
    yellow: wrap(enabled, 33, 39),
    red: wrap(enabled, 31, 39),
    cyan: wrap(enabled, 36, 39),
    magenta: wrap(enabled, 35, 39),
  };
}

/**
 * In this order: `--no-color`; https://no-color.org (any non-empty `NO_COLOR` disables colour);
 * `FORCE_COLOR` (any value but `0` or `false` enables it, also off a terminal, e.g. in CI logs
 * that render ANSI); `TERM=dumb` (a terminal without escape sequences); whether it is a terminal.
 */
export function colorWanted(options: {
  noColorFlag: boolean;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}) {
  if (options.noColorFlag) return false;
  const noColor = options.env.NO_COLOR;
  if (noColor !== undefined && noColor !== "") return false;
  const force = options.env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (options.env.TERM === "dumb") return false;
  return options.isTTY;
}

/** Whether the terminal can redraw lines (cursor movement): not `TERM=dumb`. */
export function canRedraw(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  return isTTY && env.TERM !== "dumb";
}
