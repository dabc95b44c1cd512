/**
 * Path globs for `chs.yaml`'s `paths`: `**` any number of directories, `*` and `?` within one
 * path component, `[abc]` classes and `{a,b}` alternatives. Paths use `/`.
 */
export function globToRegExp(glob: string): RegExp {
  let regex = compiledGlobs.get(glob);
  if (!regex) {
    regex = compileGlob(glob);
    if (compiledGlobs.size > 1024) compiledGlobs.clear();
    compiledGlobs.set(glob, regex);
  }
  return regex;
}

/** Compiled globs: discovery asks for the same few globs once per file. */
const compiledGlobs = new Map<string, RegExp>();

function compileGlob(glob: string): RegExp {
  let re = '';
  let i = 0;
  let braces = 0;
  while (i < glob.length) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          // `**/` matches zero or more directories; a trailing `**` matches everything below.
          re += i + 2 === glob.length ? '.*' : '(?:[^/]*/)*';
          i += i + 2 === glob.length ? 2 : 3;
          continue;
        }
        re += '[^/]*';
        i += 2;
        continue;
      }
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) re += '\\[';
      else {
        let body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) {
      re += '|';
    } else {
      re += c.replace(/[.+^$()|\\/]/g, '\\$&');
    }
    i++;
  }
  while (braces-- > 0) re += ')';
  return new RegExp(`^${re}$`);
}

/** The directory part of a glob before its first wildcard: where a walk must start. */
export function globBase(glob: string): string {
  const parts = glob.split('/');
  const base: string[] = [];
  for (const part of parts) {
    if (/[*?[{]/.test(part)) break;
    base.push(part);
  }
  if (base.length === parts.length) base.pop();
  return base.join('/') || '.';
}
