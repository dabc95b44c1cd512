/**
 * Compiling an expanded condition against an event source, as libsinsp's filter compiler does:
 * every field must exist (with its argument rules), every operator must suit the field's type,
 * values must parse for the type; plus the warnings the compiler and Falco's warning resolver
 * give (a field or transformer written as a string value, a regex that a simpler operator would
 * do, `<NA>` compared on k8s audit fields) and chs's own value checks (RE2, globs).
 */
import type { BinaryCheckExpr, Expr, FieldLike, Node, ValueExpr } from '../condition/ast.js';
import { TRANSFORMER_NAMES } from '../condition/lexer.js';
import { DEPRECATED_FIELDS, eventCodes, resolveField } from '../fields/index.js';
import type { Catalog } from '../fields/index.js';
import { ruleMessage } from '../../../core/rule.js';
import type { RuleMessage } from '../../../core/rule.js';
import { conditionWarning } from '../rules/condition-warning.js';
import { deprecatedField } from '../rules/deprecated-field.js';
import { globSlash } from '../rules/glob-slash.js';
import { invalidCondition } from '../rules/invalid-condition.js';
import { invalidRegex } from '../rules/invalid-regex.js';
import { undefinedListName } from '../rules/undefined-list-name.js';
import { unknownField } from '../rules/unknown-field.js';
import { unsafeNaCheck } from '../rules/unsafe-na-check.js';
import { re2Problem } from './re2.js';
import { didYouMean } from '../../../core/did-you-mean.js';
import type { SourcedText } from './text.js';

export interface CompileSink {
  /** An error; `unknown` marks Falco's "unknown field or event type" errors. */
  error(message: RuleMessage, node: Node, unknown: boolean): void;
  warn(message: RuleMessage, node: Node): void;
  /** Whether the node's text was written by the user (not produced by a list substitution). */
  written(node: Node): boolean;
}

interface TypeInfo {
  type: string;
  list: boolean;
}

const NUMERIC = new Set([
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'ERRNO',
  'FD',
  'PID',
  'SYSCALLID',
  'SIGTYPE',
  'RELTIME',
  'ABSTIME',
  'PORT',
  'FLAGS8',
  'FLAGS16',
  'FLAGS32',
  'DOUBLE',
  'MODE',
  'ENUMFLAGS8',
  'ENUMFLAGS16',
  'ENUMFLAGS32',
]);
const STRING = new Set(['CHARBUF', 'FSPATH', 'FSRELPATH', 'STRING']);
const IP = new Set(['IPV4ADDR', 'IPV4NET', 'IPV6ADDR', 'IPV6NET', 'IPADDR', 'IPNET']);
const LIST_TYPES = new Set(['CHARBUF', 'STRING', 'UINT64', 'RELTIME', 'ABSTIME', 'BOOL', 'IPADDR', 'IPNET']);
const DYNAMIC = new Set(['DYN', 'DYNAMIC']);

const OPS: Record<string, readonly string[]> = {
  numeric: ['=', '==', '!=', '<', '<=', '>', '>=', 'in', 'intersects'],
  bool: ['=', '==', '!=', 'in', 'intersects'],
  string: [
    '=',
    '==',
    '!=',
    '<',
    '<=',
    '>',
    '>=',
    'contains',
    'in',
    'icontains',
    'startswith',
    'glob',
    'pmatch',
    'endswith',
    'intersects',
    'iglob',
    'regex',
  ],
  buffer: [
    '=',
    '==',
    '!=',
    'contains',
    'in',
    'startswith',
    'endswith',
    'intersects',
    'bcontains',
    'bstartswith',
  ],
  ip: ['=', '==', '!=', 'in', 'intersects'],
  list: ['in', 'intersects'],
};

/** libsinsp's flt_is_comparable: undefined when allowed, else its message. */
function comparabilityProblem(op: string, info: TypeInfo): string | undefined {
  if (op === 'exists' || DYNAMIC.has(info.type)) return undefined;
  if (info.list) {
    if (!LIST_TYPES.has(info.type)) return `list filters are not supported for type '${info.type}'`;
    return OPS.list?.includes(op) ? undefined : `'${op}' operator not supported list filters`;
  }
  const family = NUMERIC.has(info.type)
    ? 'numeric'
    : info.type === 'BOOL'
      ? 'bool'
      : IP.has(info.type)
        ? 'ip'
        : STRING.has(info.type)
          ? 'string'
          : info.type === 'BYTEBUF'
            ? 'buffer'
            : undefined;
  if (!family) return `'${op}' operator not supported for type '${info.type}'`;
  if (OPS[family]?.includes(op)) return undefined;
  const noun = family === 'bool' ? 'numeric' : family === 'ip' ? 'ip address and network' : family;
  return `'${op}' operator not supported for ${noun} filters`;
}

const RE_INT = /^[+-]?(?:\d+|0[xX][0-9a-fA-F]+)$/;
const RE_FLOAT = /^[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?$/;
const RE_IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const RE_IPV6 = /^[0-9a-fA-F:.]+$/;

function valueProblem(value: string, info: TypeInfo, op: string): string | undefined {
  if (op === 'bcontains' || op === 'bstartswith') {
    return /^(?:[0-9a-fA-F]{2})+$/.test(value)
      ? undefined
      : 'filter error: bcontains and bstartswith operator support hex strings only';
  }
  if (DYNAMIC.has(info.type)) return undefined;
  if (NUMERIC.has(info.type)) {
    const ok = info.type === 'DOUBLE' ? RE_FLOAT.test(value) : RE_INT.test(value);
    return ok
      ? undefined
      : `filter error: could not parse '${value}' as a number for a field of type '${info.type}'`;
  }
  if (info.type === 'BOOL') {
    return /^(?:true|false|\d+)$/i.test(value)
      ? undefined
      : `filter error: could not parse '${value}' as a boolean`;
  }
  if (info.type === 'IPADDR' || info.type === 'IPV4ADDR' || info.type === 'IPV6ADDR') {
    return RE_IPV4.test(value) || (value.includes(':') && RE_IPV6.test(value))
      ? undefined
      : `filter error: could not parse '${value}' as an IP address`;
  }
  if (info.type === 'IPNET' || info.type === 'IPV4NET' || info.type === 'IPV6NET') {
    const [address = '', bits, extra] = value.split('/');
    const okAddress = RE_IPV4.test(address) || (address.includes(':') && RE_IPV6.test(address));
    const okBits = bits === undefined || /^\d{1,3}$/.test(bits);
    return okAddress && okBits && extra === undefined
      ? undefined
      : `filter error: could not parse '${value}' as an IP network`;
  }
  return undefined;
}

/** The network field beside each address field: `fd.snet in (10.0.0.0/8)` is what `fd.sip` cannot say. */
const NETWORK_FIELD: Readonly<Record<string, string>> = {
  'fd.ip': 'fd.net',
  'fd.cip': 'fd.cnet',
  'fd.sip': 'fd.snet',
  'fd.lip': 'fd.lnet',
  'fd.rip': 'fd.rnet',
};

const LIST_NAME_SUFFIX =
  /_(?:binaries|bins|files|dirs|directories|images|names|list|procs|processes|users|ports|programs|containers|commands|cmds|paths|hosts|domains|ips|repositories|namespaces|groups|servers|addresses|tools|utils|executables|prefixes|suffixes)$/;
const UNSAFE_NA_OPS = new Set(['=', '==', '!=', 'in', 'intersects', 'pmatch']);
const RGX_SPECIAL = '.+*?^$()[]{}|\\';

/** libsinsp's heuristic: a regex without special characters in its middle is a plain string check. */
function regexIsTrivial(v: string): boolean {
  const len = v.length;
  for (let i = 0; i < len; i++) {
    if ((i === 0 && v[i] === '^') || (i === len - 1 && v[i] === '$')) continue;
    if (((i === 0 && len > 1) || i === len - 2) && v[i] === '.' && '+*?'.includes(v[i + 1] ?? '')) {
      i++;
      continue;
    }
    if (RGX_SPECIAL.includes(v[i] as string)) return false;
  }
  return true;
}

export class ConditionCompiler {
  private readonly listNameArray: string[];

  constructor(
    private readonly catalog: Catalog,
    private readonly sink: CompileSink,
    private readonly listNames: ReadonlySet<string>,
    /** What to say about a list name that nothing defines. */
    private readonly listHint: (name: string) => string = () => '',
  ) {
    this.listNameArray = [...listNames];
  }

  /**
   * The text the node being compiled was parsed from: expanded conditions mix the rule's text and
   * its macros' texts; `textOf` gives the text of each macro's (and the rule's) root.
   */
  text: SourcedText | undefined;

  compile(expr: Expr, textOf?: (expr: Expr) => SourcedText | undefined): void {
    const saved = this.text;
    const own = textOf?.(expr);
    if (own) this.text = own;
    try {
      this.compileNode(expr, textOf);
    } finally {
      this.text = saved;
    }
  }

  private compileNode(expr: Expr, textOf: ((expr: Expr) => SourcedText | undefined) | undefined): void {
    switch (expr.kind) {
      case 'and':
      case 'or':
        for (const child of expr.children) this.compile(child, textOf);
        return;
      case 'not':
        this.compile(expr.child, textOf);
        return;
      case 'identifier':
        return;
      case 'unary':
        this.fieldLike(expr.left, false);
        return;
      case 'binary':
        this.binary(expr);
        return;
    }
  }

  private fieldLike(node: FieldLike, rhs: boolean, transformed = false): TypeInfo | undefined {
    if (node.kind === 'field') {
      const resolved = resolveField(this.catalog, node.name, node.arg);
      if (!resolved.ok) {
        this.sink.error(
          resolved.unknown
            ? ruleMessage(unknownField, 'field', { problem: resolved.message })
            : ruleMessage(invalidCondition, 'field', { problem: resolved.message }),
          node,
          resolved.unknown,
        );
        return undefined;
      }
      const { info } = resolved;
      if (DEPRECATED_FIELDS.includes(info.name)) {
        this.sink.warn(ruleMessage(deprecatedField, 'inCondition', { field: info.name }), node);
      }
      if (rhs && info.noRhs) {
        this.sink.error(ruleMessage(invalidCondition, 'noRhs', { field: info.name }), node, false);
      }
      if (transformed && info.noTransformer) {
        this.sink.error(ruleMessage(invalidCondition, 'noTransformer', { field: info.name }), node, false);
      }
      const indexed = resolved.arg !== undefined && (info.indexArg || info.name.startsWith('ka.'));
      return { type: info.type, list: info.list && !indexed };
    }
    const inner = node.args.map((arg) =>
      arg.kind === 'value' ? undefined : this.fieldLike(arg, rhs, node.name !== 'val'),
    );
    const first = inner[0];
    switch (node.name) {
      case 'val':
        return first;
      case 'len':
        return { type: 'UINT64', list: false };
      case 'tolower':
      case 'toupper':
      case 'b64':
      case 'basename':
        if (first && !STRING.has(first.type) && first.type !== 'BYTEBUF' && !DYNAMIC.has(first.type)) {
          this.sink.error(
            ruleMessage(invalidCondition, 'transformerType', { transformer: node.name, type: first.type }),
            node,
            false,
          );
        }
        return { type: 'CHARBUF', list: first?.list ?? false };
      default:
        return { type: 'CHARBUF', list: false };
    }
  }

  private binary(expr: BinaryCheckExpr): void {
    const left = this.fieldLike(expr.left, false, false);
    const right = expr.right;
    if (right.kind === 'field' || right.kind === 'transformer') this.fieldLike(right, true, false);
    if (!left) return;
    const problem = comparabilityProblem(expr.op, left);
    if (problem) {
      this.sink.error(ruleMessage(invalidCondition, 'comparison', { problem }), expr, false);
      return;
    }
    if (right.kind !== 'value' && right.kind !== 'list') return;
    const items: ValueExpr[] = right.kind === 'value' ? [right] : right.items;
    const leftName = expr.left.kind === 'field' ? expr.left.name : undefined;
    const elementInfo: TypeInfo = { type: left.type, list: false };
    const netField = leftName === undefined ? undefined : NETWORK_FIELD[leftName];
    let networkTold = false;
    for (const item of items) {
      const v = item.value;
      if (leftName === 'evt.type' && expr.left.kind === 'field' && expr.left.arg === undefined) {
        if (eventCodes(v) === undefined) {
          this.sink.error(ruleMessage(unknownField, 'eventType', { name: v }), item, true);
          continue;
        }
      }
      const bad = valueProblem(v, elementInfo, expr.op);
      if (bad && netField && leftName && !valueProblem(v, { type: 'IPNET', list: false }, expr.op)) {
        // One message for the comparison: a list of networks (rfc_1918_addresses) is one mistake.
        if (!networkTold)
          this.sink.error(
            ruleMessage(invalidCondition, 'networkForAddress', {
              problem: bad,
              value: v,
              field: leftName,
              netField,
            }),
            item,
            false,
          );
        networkTold = true;
        continue;
      }
      if (bad) {
        // `fd.sip in (trusted_ips)` with no list trusted_ips: Falco parses the name as an address.
        const undefinedList =
          expr.right.kind === 'list' && !item.quoted && /^[A-Za-z]\w*_\w+$/.test(v) && !this.listNames.has(v);
        this.sink.error(
          undefinedList
            ? ruleMessage(invalidCondition, 'undefinedList', {
                value: v,
                problem: bad,
                hint: this.listHint(v),
              })
            : ruleMessage(invalidCondition, 'value', { problem: bad }),
          item,
          false,
        );
        continue;
      }
      this.valueWarnings(expr, item, leftName);
    }
  }

  private valueWarnings(expr: BinaryCheckExpr, item: ValueExpr, leftName: string | undefined): void {
    const v = item.value;
    if (expr.op === 'regex') {
      const problem = re2Problem(v);
      if (problem) this.sink.error(ruleMessage(invalidRegex, 'invalid', { regex: v, problem }), item, false);
      else if (regexIsTrivial(v)) {
        this.sink.warn(ruleMessage(conditionWarning, 'trivialRegex', { regex: v }), item);
      }
    }
    const nospaces = /\s/.test(v) ? v.replace(/\s+/g, '') : v;
    if (
      nospaces.includes('.') &&
      /^[a-zA-Z][\w.]*\.[\w.]+$/.test(nospaces) &&
      resolveField(this.catalog, nospaces, undefined).ok
    ) {
      this.sink.warn(ruleMessage(conditionWarning, 'fieldAsString', { value: v }), item);
    }
    for (const t of nospaces.endsWith(')') ? TRANSFORMER_NAMES : []) {
      if (nospaces.length >= t.length + 2 && nospaces.startsWith(`${t}(`) && nospaces.endsWith(')')) {
        this.sink.warn(ruleMessage(conditionWarning, 'transformerAsString', { value: v }), item);
      }
    }
    if (leftName?.startsWith('ka.') && UNSAFE_NA_OPS.has(expr.op) && v === '<NA>') {
      this.sink.warn(ruleMessage(unsafeNaCheck, 'na'), item);
    }
    if ((expr.op === 'glob' || expr.op === 'iglob') && /\*[^/]*\//.test(v) && !v.includes('**')) {
      this.sink.warn(ruleMessage(globSlash, 'star', { glob: v }), item);
    }
    if (
      expr.right.kind === 'list' &&
      !item.quoted &&
      this.sink.written(item) &&
      this.looksLikeListName(v, leftName)
    ) {
      this.sink.warn(ruleMessage(undefinedListName, 'literal', { value: v, hint: this.listHint(v) }), item);
    }
  }

  private looksLikeListName(v: string, leftName: string | undefined): boolean {
    if (!/^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/.test(v)) return false;
    if (this.listNames.has(v)) return false;
    if (leftName === 'evt.type' && eventCodes(v) !== undefined) return false;
    if (LIST_NAME_SUFFIX.test(v)) return true;
    return v.length >= 6 && didYouMean(v, this.listNameArray) !== undefined;
  }
}
