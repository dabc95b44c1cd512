/**
 * A policy file's text and the one conversion from 0-based offsets (used everywhere inside the
 * project) to 1-based lines and columns (used only by formatters and messages to the user).
 */
export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column, in UTF-16 code units as editors count them. */
  column: number;
}

export class SourceFile {
  private lineStarts: number[] | undefined;

  constructor(
    /** The path as the user gave it (or relative to the working directory when discovered). */
    readonly path: string,
    readonly text: string,
  ) {}

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    const text = this.text;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
    return starts;
  }

  /** 1-based line and column of a 0-based offset (clamped to the text). */
  position(offset: number): Position {
    const starts = this.starts();
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - (starts[lo] as number) + 1 };
  }

  /** 0-based offset of a 1-based line and column. */
  offset(line: number, column = 1): number {
    const starts = this.starts();
    const start = starts[Math.max(0, Math.min(line - 1, starts.length - 1))] as number;
    return Math.min(this.text.length, start + Math.max(0, column - 1));
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const starts = this.starts();
    const start = starts[line - 1];
    if (start === undefined) return '';
    const next = starts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }

  get lineCount(): number {
    return this.starts().length;
  }
}
