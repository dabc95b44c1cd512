/**
 * A policy language with everything that differs per kind: what `chs lint` needs (core's
 * `Language`), and what the preview, `chs render` and `chs test` take from it when the language
 * has them. Adding a kind is one folder and one entry in the list of src/languages/list.ts.
 */
import type { Language } from '../core/language.js';
import type { ImpactSection } from '../impact/section.js';
import type { Renderer } from '../render/types.js';
import type { CaseKind } from '../testing/types.js';

/**
 * The preview's and `chs test`'s parts are loaded when asked for: they bring the evaluators (and
 * zlib, re2js...) that `chs lint` never needs, and every command's start would pay for them.
 */
export interface PolicyLanguage extends Language {
  /** The preview's item-level diff and impact; without it the kind is reported as not analysed. */
  impact?: () => Promise<ImpactSection>;
  /** `chs render`'s objects for the kind; without it its files are noted as not rendered. */
  render?: Renderer;
  /** The test case kinds `chs test` accepts for the kind (keys of a case, as `falco:`). */
  testCases?: () => Promise<readonly CaseKind[]>;
}
