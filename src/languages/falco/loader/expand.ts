/**
 * Falco's two expansions: list names replaced by their items in the condition text (before
 * parsing, with Falco's exact rules about delimiters and quoting), and macro references replaced
 * by the macros' parsed conditions; plus exceptions turned into condition text.
 */
import type { Expr } from '../condition/ast.js';
import { ruleMessage } from '../../../core/rule.js';
import { invalidDefinition } from '../rules/invalid-definition.js';
import { LoadError, atNode } from './results.js';
import { SourcedText } from './text.js';
import type { ExceptionEntry, ExceptionInfo } from './types.js';

export interface CompiledList {
  name: string;
  items: string[];
  used: boolean;
  /** The substitution text and the words in it, computed on first use. */
  sub?: { text: string; words: string[]; delimited: boolean };
}

const BLANKS = ' \t\n\r';
const DELIMS = `${BLANKS}(),=`;

/** Falco's quote_item: an item with a blank is double-quoted unless it already starts with a quote. */
function quoteItem(e: string): string {
  return e.includes(' ') && e[0] !== '"' && e[0] !== "'" ? `"${e}"` : e;
}

function parenItem(e: string): string {
  return e[0] === '(' ? e : `(${e})`;
}

const DELIM_RE = /[ \t\n\r(),=]+/;

/**
 * Replaces every use of the lists' names in the text as Falco's resolve_list does, list by list
 * in definition order. Only lists whose name occurs as a word are looked for (a list's items can
 * bring in the name of a later list, which is then replaced in its turn).
 */
export function substituteLists(text: SourcedText, lists: readonly CompiledList[]): void {
  const words = new Set(text.text.split(DELIM_RE));
  for (const list of lists) {
    const name = list.name;
    // A name with a delimiter in it (an invalid name Falco still substitutes) is looked for as text.
    list.sub ??= {
      text: list.items.map(quoteItem).join(', '),
      words: list.items.flatMap((item) => quoteItem(item).split(DELIM_RE)),
      delimited: /[ \t\n\r(),=]/.test(name),
    };
    if (list.sub.delimited ? !text.text.includes(name) : !words.has(name)) continue;
    for (const word of list.sub.words) words.add(word);
    let start = text.text.indexOf(name);
    while (start !== -1) {
      const cnd = text.text;
      let end = start + name.length;
      if (
        (start === 0 || DELIMS.includes(cnd[start - 1] as string)) &&
        (end >= cnd.length || DELIMS.includes(cnd[end] as string))
      ) {
        const at = start;
        while (start > 0 && BLANKS.includes(cnd[start - 1] as string)) start--;
        while (end < cnd.length && BLANKS.includes(cnd[end] as string)) end++;
        const sub = list.sub.text;
        if (sub.length === 0) {
          if (start > 0 && cnd[start - 1] === ',') start--;
          else if (end < cnd.length && cnd[end] === ',') end++;
        }
        const replacement = (start > 0 ? ' ' : '') + sub + ' ';
        text.replace(start, end, replacement, at);
        start += sub.length + 1;
        list.used = true;
      }
      start = text.text.indexOf(name, start + 1);
    }
  }
}

export type MacroLookup = (name: string) => Expr | 'broken' | undefined;

/** Replaces macro references; unknown names are passed to `undefinedMacro` (and left in place). */
export function expandMacros(
  expr: Expr,
  lookup: MacroLookup,
  undefinedMacro: (node: Expr & { kind: 'identifier' }) => void,
  used: (name: string) => void,
): Expr {
  switch (expr.kind) {
    case 'and':
    case 'or': {
      let changed = false;
      const children = expr.children.map((child) => {
        const next = expandMacros(child, lookup, undefinedMacro, used);
        if (next !== child) changed = true;
        return next;
      });
      return changed ? { ...expr, children } : expr;
    }
    case 'not': {
      const child = expandMacros(expr.child, lookup, undefinedMacro, used);
      return child === expr.child ? expr : { ...expr, child };
    }
    case 'identifier': {
      const macro = lookup(expr.name);
      if (macro === undefined) {
        undefinedMacro(expr);
        return expr;
      }
      used(expr.name);
      return macro === 'broken' ? expr : macro;
    }
    default:
      return expr;
  }
}

const isList = (entry: ExceptionEntry): boolean => entry.items !== undefined;

/** Falco's build_rule_exception_infos: `(condition) and not (exception) ...` as text. */
export function addExceptions(
  condition: SourcedText,
  exceptions: readonly ExceptionInfo[],
  listOps: (comp: string) => boolean,
): SourcedText {
  const out = new SourcedText().append('(').appendText(condition).append(')');
  for (const ex of exceptions) {
    const exSite = { file: ex.location.file, node: ex.location.node };
    const fail = (message: 'valuesNotLists' | 'fieldsValuesLength'): never => {
      throw new LoadError(
        ruleMessage(invalidDefinition, message),
        atNode(ex.location.file, ex.location.node),
        'exception',
        ex.name,
      );
    };
    const icond = new SourcedText();
    const fields = ex.fields;
    if (!fields) continue;
    const site = (entry: ExceptionEntry) => ({ file: ex.location.file, node: entry.node });
    const value = (entry: ExceptionEntry, text: string): void => {
      const raw = entry.item ?? '';
      if (text === raw) icond.append(text, site(entry), 0, false);
      else {
        const at = text.indexOf(raw);
        icond.append(text.slice(0, at), site(entry), 0, true);
        icond.append(raw, site(entry), 0, false);
        icond.append(text.slice(at + raw.length), site(entry), Math.max(0, raw.length - 1), true);
      }
    };
    if (!isList(fields)) {
      const comp = ex.comps?.item ?? 'in';
      for (const val of ex.values) {
        if (isList(val)) fail('valuesNotLists');
        if (icond.text.length === 0) {
          icond
            .append('(', exSite)
            .append(fields.item ?? '', site(fields), 0, false)
            .append(` ${comp} (`, exSite);
        } else icond.append(', ', exSite);
        value(val, quoteItem(val.item ?? ''));
      }
      if (icond.text.length > 0) icond.append('))', exSite);
    } else {
      const fieldItems = fields.items ?? [];
      const comps = ex.comps?.items ?? [];
      icond.append('(', exSite);
      let first = true;
      for (const values of ex.values) {
        const valueItems = values.items ?? [];
        if (fieldItems.length !== valueItems.length) fail('fieldsValuesLength');
        if (!first) icond.append(' or ', exSite);
        first = false;
        icond.append('(', exSite);
        fieldItems.forEach((field, k) => {
          if (k > 0) icond.append(' and ', exSite);
          const comp = comps[k]?.item ?? '=';
          const v = valueItems[k] as ExceptionEntry;
          icond
            .append(' ', exSite)
            .append(field.item ?? '', site(field), 0, false)
            .append(` ${comp} `, exSite);
          if (isList(v)) {
            icond.append('(', site(v), 0, true);
            (v.items ?? []).forEach((item, i) => {
              if (i > 0) icond.append(', ', site(v), 0, true);
              value(item, quoteItem(item.item ?? ''));
            });
            icond.append(')', site(v), 0, true);
          } else {
            const raw = v.item ?? '';
            value(v, listOps(comp) ? parenItem(raw) : quoteItem(raw));
          }
        });
        icond.append(')', exSite);
      }
      icond.append(')', exSite);
      if (icond.text === '()') continue;
    }
    if (icond.text.length > 0) out.append(' and not ', exSite).appendText(icond);
  }
  return out;
}
