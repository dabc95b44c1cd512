import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { readYamlList } from '../../src/core/yaml-list.js';
import { parseYaml } from '../../src/core/yaml.js';
import type { YamlListItem } from '../../src/core/yaml-list.js';

function read(text: string): { result: ReturnType<typeof readYamlList>; items: YamlListItem[] } {
  const items: YamlListItem[] = [];
  const result = readYamlList(text, (item) => items.push(item));
  return { result, items };
}

const POD = (name: string): string =>
  `- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: ${name}\n  spec:\n    containers:\n    - name: c\n      image: i\n      args: |\n        - not an item\n        run\n`;

describe('readYamlList', () => {
  it.each([
    [
      'kubectl layout',
      `apiVersion: v1\nitems:\n${POD('a')}${POD('b')}kind: List\nmetadata:\n  resourceVersion: ""\n`,
    ],
    [
      'indented items, comments and blank lines',
      `---\napiVersion: v1\nkind: List\nitems:\n  # pods\n\n  - {apiVersion: v1, kind: Pod, metadata: {name: a}}\n\n# between\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: b}\n`,
    ],
    [
      'an item opening on its own line',
      'kind: PodList\nitems:\n-\n  apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- {apiVersion: v1, kind: Pod, metadata: {name: b}}\n',
    ],
  ])('reads the items of a List as a whole parse does: %s', (_, text) => {
    const { result, items } = read(text);
    expect(result?.ok).toBe(true);
    const whole = load(text) as { items: unknown[] };
    expect(items.map((i) => i.value)).toEqual(whole.items);
    // Each item's start is where its node is written.
    for (const item of items) expect(text.slice(item.start)).toMatch(/^(\{apiVersion|apiVersion)/);
  });

  it.each([
    ['no items key', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n'],
    ['items in flow style', 'kind: List\nitems: [{kind: Pod}]\n'],
    ['not a List', 'kind: Pod\nitems:\n- a\n'],
    ['two documents', 'kind: List\nitems:\n- a\n---\nkind: Pod\n'],
    ['an anchor an alias could reach across items', 'kind: List\nitems:\n- &p {kind: Pod}\n- *p\n'],
    ['a directive', '%YAML 1.2\n---\nkind: List\nitems:\n- a\n'],
    ['a tab opening a line', 'kind: List\nitems:\n\t- a\n'],
    ['items given twice', 'kind: List\nitems:\n- a\nitems: []\n'],
    ['a mapping after items', 'kind: List\nitems:\n  a: 1\n'],
  ])('leaves a text not laid out as kubectl prints a List to the whole parse: %s', (_, text) => {
    const { result, items } = read(text);
    expect(result).toBeUndefined();
    expect(items).toEqual([]);
  });

  it.each([
    ['a flow mapping left open', `kind: List\nitems:\n${POD('a')}- {apiVersion: v1\n`],
    ['a flow sequence left open', 'kind: List\nitems:\n- a: [1\n'],
    ['a key indented too little', 'kind: List\nitems:\n- a: 1\n   b: 2\n'],
  ])('reports the error the whole parse reports, at the same offset: %s', (_, text) => {
    const { result } = read(text);
    const whole = parseYaml(text);
    expect(whole.ok).toBe(false);
    if (!whole.ok) expect(result).toEqual({ ok: false, error: whole.error });
  });
});
