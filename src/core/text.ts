/**
 * A value read from YAML, JSON or an event as text: scalars as written, a mapping or list as JSON
 * (never "[object Object]" in a message), nothing as ''.
 */
export function textOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return value === null ? '' : jsonOf(value);
    default:
      return '';
  }
}

function jsonOf(value: object): string {
  try {
    return JSON.stringify(value);
  } catch {
    // A YAML alias can make a structure contain itself.
    return Array.isArray(value) ? '[...]' : '{...}';
  }
}
