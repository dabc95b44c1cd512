/**
 * Rule outputs: the `%field` placeholders libsinsp's formatter accepts (`%proc.name`,
 * `%evt.arg.fd`, `%proc.aname[2]`, `%json.value[/user/name]`, `%(proc.name)`), found with their
 * positions so an unknown field is reported at its token.
 */
export interface OutputToken {
  /** The field as written, argument included (`proc.aname[2]`). */
  field: string;
  name: string;
  arg: string | undefined;
  /** Offsets of the field text (after `%`) in the output string. */
  start: number;
  end: number;
}

const FIELD_CHAR = /[A-Za-z0-9_.]/;

export function outputTokens(output: string): OutputToken[] {
  const tokens: OutputToken[] = [];
  for (let i = output.indexOf('%'); i !== -1 && i < output.length; i = output.indexOf('%', i + 1)) {
    let j = i + 1;
    const paren = output[j] === '(';
    if (paren) j++;
    const start = j;
    while (j < output.length && FIELD_CHAR.test(output[j] as string)) j++;
    // A trailing dot ends a sentence, not a field name.
    while (j > start && output[j - 1] === '.') j--;
    if (j === start) continue;
    const name = output.slice(start, j);
    let arg: string | undefined;
    if (output[j] === '[') {
      const close = output.indexOf(']', j + 1);
      if (close !== -1) {
        arg = output.slice(j + 1, close);
        j = close + 1;
      }
    }
    if (paren && output[j] === ')') j++;
    tokens.push({ field: arg === undefined ? name : `${name}[${arg}]`, name, arg, start, end: j });
    i = j - 1;
  }
  return tokens;
}
