/** Deterministic YAML out: the same objects give the same bytes. */
import { dump } from 'js-yaml';

export function toYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true, sortKeys: false });
}

/** A multi-document stream, `---` between documents. */
export function toYamlStream(values: readonly unknown[]): string {
  return values.map((v) => `---\n${toYaml(v)}`).join('');
}
