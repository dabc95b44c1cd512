/** ANSI colours, only when writing to a terminal and NO_COLOR is unset (no-color.org). */
export interface Colors {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  blue(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  underline(s: string): string;
}

const wrap =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;

const identity = (s: string): string => s;

export const NO_COLORS: Colors = {
  red: identity,
  yellow: identity,
  green: identity,
  blue: identity,
  dim: identity,
  bold: identity,
  underline: identity,
};

export const ANSI_COLORS: Colors = {
  red: wrap(31, 39),
  yellow: wrap(33, 39),
  green: wrap(32, 39),
  blue: wrap(34, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
  underline: wrap(4, 24),
};

export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colors {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return NO_COLORS;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return ANSI_COLORS;
  return stream.isTTY ? ANSI_COLORS : NO_COLORS;
}
