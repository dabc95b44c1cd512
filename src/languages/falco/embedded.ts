/**
 * Falco rules kept where teams deploy them from: the `customRules` map of the falcosecurity/falco
 * chart's Helm values (file name -> rules text), and the `data` of a ConfigMap. Each embedded
 * rules file is loaded as a file of its own whose positions are those of the holding file (inside
 * its block scalar), so findings point at lines of the values file the user edits.
 *
 * The chart mounts `customRules` as /etc/falco/rules.d, which Falco reads after its default rules
 * files and in name order: the embedded files load in their keys' order.
 */
import { parseYaml } from '../../core/yaml.js';
import type { YamlMap, YamlNode, YamlScalar } from '../../core/yaml.js';
import { scalarOffsets } from './loader/text.js';
import type { LoadedFile } from './loader/text.js';

const CUSTOM_RULES = /^[ \t]*customRules[ \t]*:/m;
const CONFIG_MAP = /^kind:[ \t]*["']?ConfigMap\b/m;
/** A rules item inside a block scalar (indented, unlike a rules file's own items). */
const EMBEDDED_ITEM = /^[ \t]+-[ \t]+(?:rule|macro|list|required_engine_version)[ \t]*:/m;
/** A rules file's text: its top level is a list of items. */
const RULES_TEXT =
  /^[ \t]*-[ \t]+(?:rule|macro|list|required_engine_version|required_plugin_versions)[ \t]*:/m;
/** How deep a `customRules` key is looked for (an umbrella chart's `falco:` section, a helmfile's values). */
const MAX_DEPTH = 3;

/** Whether a file's text may hold Falco rules in chart values or a ConfigMap. */
export function holdsEmbeddedRules(text: string): boolean {
  return CUSTOM_RULES.test(text) || (CONFIG_MAP.test(text) && EMBEDDED_ITEM.test(text));
}

interface Found {
  name: string;
  node: YamlScalar;
}

function stringValue(node: YamlNode): node is YamlScalar {
  return node.kind === 'scalar' && typeof node.value === 'string';
}

function byName(a: Found, b: Found): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Collects the customRules files below `node`; true when a `customRules` key was found at all. */
function customRules(node: YamlMap, depth: number, out: Found[]): boolean {
  let seen = false;
  for (const pair of node.pairs) {
    if (pair.key === 'customRules' && (pair.value.kind === 'map' || pair.value.value === null)) {
      seen = true;
      if (pair.value.kind !== 'map') continue;
      const files: Found[] = [];
      for (const entry of pair.value.pairs)
        if (stringValue(entry.value)) files.push({ name: entry.key, node: entry.value });
      out.push(...files.sort(byName));
    } else if (pair.value.kind === 'map' && depth < MAX_DEPTH) {
      seen = customRules(pair.value, depth + 1, out) || seen;
    }
  }
  return seen;
}

function configMapRules(node: YamlMap, out: Found[]): boolean {
  const kind = node.pairs.find((p) => p.key === 'kind')?.value;
  if (kind?.value !== 'ConfigMap') return false;
  const data = node.pairs.find((p) => p.key === 'data')?.value;
  if (data?.kind !== 'map') return false;
  const files: Found[] = [];
  for (const entry of data.pairs) {
    // A ConfigMap may also hold falco.yaml or other files: only rules files are loaded.
    if (stringValue(entry.value) && RULES_TEXT.test(entry.value.value as string))
      files.push({ name: entry.key, node: entry.value });
  }
  out.push(...files.sort(byName));
  // A ConfigMap without rules files is not a holder of rules: linted as what it is.
  return files.length > 0;
}

/** The embedded rules of a values file or ConfigMap manifest, in load order; undefined: not one. */
export function embeddedRules(path: string, text: string, baseline: boolean): LoadedFile[] | undefined {
  if (!holdsEmbeddedRules(text)) return undefined;
  const parsed = parseYaml(text);
  if (!parsed.ok) return undefined;
  const found: Found[] = [];
  let holder = false;
  for (const doc of parsed.documents) {
    if (doc.root?.kind !== 'map') continue;
    holder = configMapRules(doc.root, found) || customRules(doc.root, 0, found) || holder;
  }
  // Values with an empty customRules hold no rules file: nothing to load, nothing wrong.
  if (!holder) return undefined;
  return found.map(({ name, node }) => ({
    path,
    text: node.value as string,
    baseline,
    embedded: { name, offsets: scalarOffsets(text, node) },
  }));
}

/** The rules files a file holds: its embedded ones, else the file itself. */
export function rulesFilesOf(path: string, text: string, baseline: boolean): LoadedFile[] {
  return embeddedRules(path, text, baseline) ?? [{ path, text, baseline }];
}
