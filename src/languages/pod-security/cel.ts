/** Small helpers to write CEL for the rendered ValidatingAdmissionPolicies. */

/** A CEL string literal. */
export function celString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A CEL list of string literals. */
export function celList(values: readonly string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}

/** An optional-chain read of a path under a variable: `c.?securityContext.?runAsNonRoot`. */
export function opt(base: string, ...path: string[]): string {
  return `${base}${path.map((p) => `.?${p}`).join('')}`;
}

/** The variables every rendered policy declares: the pod spec and metadata wherever the kind keeps them. */
export const POD_VARIABLES: readonly { name: string; expression: string }[] = [
  {
    name: 'podTemplate',
    expression:
      "object.kind == 'Pod' ? object : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template : object.kind == 'PodTemplate' ? object.template : object.spec.template",
  },
  { name: 'podSpec', expression: 'variables.podTemplate.spec' },
  { name: 'podMeta', expression: 'variables.podTemplate.?metadata.orValue({})' },
  {
    name: 'containers',
    expression:
      'variables.podSpec.?initContainers.orValue([]) + variables.podSpec.?containers.orValue([]) + variables.podSpec.?ephemeralContainers.orValue([])',
  },
];

export const SPEC = 'variables.podSpec';
export const META = 'variables.podMeta';
export const CONTAINERS = 'variables.containers';
