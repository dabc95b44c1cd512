/**
 * Falco rules kept where teams deploy them from: the `customRules` map of the falcosecurity/falco
 * chart's Helm values (file name -> rules text), the same values inline in an Argo CD Application
 * (`helm.values` as text, `helm.valuesObject` as a map), and the `data` of a ConfigMap. Each embedded
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
  text: string;
  /** For each character of `text`, its offset in the file that holds it. */
  offsets: Int32Array;
}

function stringValue(node: YamlNode): node is YamlScalar {
  return node.kind === 'scalar' && typeof node.value === 'string';
}

function byName(a: Found, b: Found): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function found(name: string, holder: string, node: YamlScalar): Found {
  return { name, text: node.value as string, offsets: scalarOffsets(holder, node) };
}

/** Collects the customRules files below `node`; true when a `customRules` key was found at all. */
function customRules(holder: string, node: YamlMap, depth: number, out: Found[]): boolean {
  let seen = false;
  for (const pair of node.pairs) {
    if (pair.key === 'customRules' && (pair.value.kind === 'map' || pair.value.value === null)) {
      seen = true;
      if (pair.value.kind !== 'map') continue;
      const files: Found[] = [];
      for (const file of pair.value.pairs)
        if (stringValue(file.value)) files.push(found(file.key, holder, file.value));
      out.push(...files.sort(byName));
    } else if (pair.value.kind === 'map' && depth < MAX_DEPTH) {
      seen = customRules(holder, pair.value, depth + 1, out) || seen;
    }
  }
  return seen;
}

function entry(node: YamlMap, key: string): YamlNode | undefined {
  return node.pairs.find((p) => p.key === key)?.value;
}

/**
 * An Argo CD Application installing the chart holds its values in `spec.source.helm` (or in each
 * of `spec.sources`): `valuesObject` as YAML, `values` as text whose own customRules are mapped
 * back through the text's block scalar to the Application's lines.
 */
function argoApplicationRules(holder: string, node: YamlMap, out: Found[]): boolean {
  const apiVersion = entry(node, 'apiVersion')?.value;
  if (entry(node, 'kind')?.value !== 'Application' || typeof apiVersion !== 'string') return false;
  if (!apiVersion.startsWith('argoproj.io/')) return false;
  const spec = entry(node, 'spec');
  if (spec?.kind !== 'map') return false;
  const sources: YamlNode[] = [];
  const source = entry(spec, 'source');
  if (source) sources.push(source);
  const many = entry(spec, 'sources');
  if (many?.kind === 'seq') sources.push(...many.items);
  let seen = false;
  for (const s of sources) {
    const helm = s.kind === 'map' ? entry(s, 'helm') : undefined;
    if (helm?.kind !== 'map') continue;
    const object = entry(helm, 'valuesObject');
    if (object?.kind === 'map') seen = customRules(holder, object, 0, out) || seen;
    const values = entry(helm, 'values');
    if (values && stringValue(values)) seen = inlineValues(holder, values, out) || seen;
  }
  return seen;
}

function inlineValues(holder: string, values: YamlScalar, out: Found[]): boolean {
  const text = values.value as string;
  if (!CUSTOM_RULES.test(text)) return false;
  const parsed = parseYaml(text);
  if (!parsed.ok) return false;
  const outer = scalarOffsets(holder, values);
  const inner: Found[] = [];
  let seen = false;
  for (const doc of parsed.documents)
    if (doc.root?.kind === 'map') seen = customRules(text, doc.root, 0, inner) || seen;
  for (const file of inner)
    out.push({ ...file, offsets: file.offsets.map((at) => outer[at] ?? values.start) });
  return seen;
}

function configMapRules(holder: string, node: YamlMap, out: Found[]): boolean {
  if (entry(node, 'kind')?.value !== 'ConfigMap') return false;
  const data = entry(node, 'data');
  if (data?.kind !== 'map') return false;
  const files: Found[] = [];
  for (const pair of data.pairs) {
    // A ConfigMap may also hold falco.yaml or other files: only rules files are loaded.
    if (stringValue(pair.value) && RULES_TEXT.test(pair.value.value as string))
      files.push(found(pair.key, holder, pair.value));
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
  const files: Found[] = [];
  let holder = false;
  for (const doc of parsed.documents) {
    if (doc.root?.kind !== 'map') continue;
    holder =
      configMapRules(text, doc.root, files) ||
      argoApplicationRules(text, doc.root, files) ||
      customRules(text, doc.root, 0, files) ||
      holder;
  }
  // Values with an empty customRules hold no rules file: nothing to load, nothing wrong.
  if (!holder) return undefined;
  return files.map(({ name, text: rules, offsets }) => ({
    path,
    text: rules,
    baseline,
    embedded: { name, offsets },
  }));
}

/** The rules files a file holds: its embedded ones, else the file itself. */
export function rulesFilesOf(path: string, text: string, baseline: boolean): LoadedFile[] {
  return embeddedRules(path, text, baseline) ?? [{ path, text, baseline }];
}
