/**
 * Runs a rendered ValidatingAdmissionPolicy the way the API server does, with a JavaScript CEL
 * implementation: the object as the API server holds it (no nulls, integers as int64, volumes
 * without a source defaulted to emptyDir), match conditions, variables in order, then validations.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { KubernetesObject } from '../../src/languages/pod-security/render.js';

const env = new Environment({
  unlistedVariablesAreDyn: true,
  enableOptionalTypes: true,
  homogeneousAggregateLiterals: false,
});
const compiled = new Map<string, (context: Record<string, unknown>) => unknown>();

function program(expression: string): (context: Record<string, unknown>) => unknown {
  let fn = compiled.get(expression);
  if (!fn) {
    fn = env.parse(expression);
    compiled.set(expression, fn);
  }
  return fn;
}

/** The object as the API server would pass it to admission. */
function asAdmitted(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    const items = value.filter((v) => v !== null).map((v) => asAdmitted(v));
    if (key === 'volumes') {
      for (const v of items) {
        const volume = v as Record<string, unknown>;
        if (Object.keys(volume).every((k) => k === 'name')) volume.emptyDir = {};
      }
    }
    return items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = asAdmitted(v, k);
    return out;
  }
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}

export interface CelVerdict {
  allowed: boolean;
  /** Messages of the failed validations. */
  failed: string[];
  /** Expressions that raised an error (the API server would apply the failure policy). */
  errors: string[];
}

export function runPolicy(policy: KubernetesObject, object: unknown, username = 'alice'): CelVerdict {
  const spec = policy.spec as {
    matchConditions?: { expression: string }[];
    variables: { name: string; expression: string }[];
    validations: { expression: string; message: string }[];
  };
  const admitted = asAdmitted(object);
  const variables: Record<string, unknown> = {};
  const context = { object: admitted, variables, request: { userInfo: { username } } };
  const errors: string[] = [];
  for (const condition of spec.matchConditions ?? []) {
    if (program(condition.expression)(context) !== true) return { allowed: true, failed: [], errors };
  }
  for (const v of spec.variables) variables[v.name] = program(v.expression)(context);
  const failed: string[] = [];
  for (const validation of spec.validations) {
    try {
      if (program(validation.expression)(context) !== true) failed.push(validation.message);
    } catch (error) {
      errors.push(`${validation.message}: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }
  }
  return { allowed: failed.length === 0 && errors.length === 0, failed, errors };
}
