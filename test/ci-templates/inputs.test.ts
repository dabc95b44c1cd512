import { describe, expect, it } from 'vitest';
import { errorMessage, interpolateFile, loadCiFile, shellEscape } from './inputs.js';
import type { CiFile, Result } from './inputs.js';
import { TEMPLATE_NAMES, readTemplate } from './support.js';

function file(text: string): CiFile {
  const loaded = loadCiFile(text, 'test.yml');
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  return loaded.value;
}

function run(
  text: string,
  args: Record<string, unknown> = {},
  variables: Record<string, string> = {},
): Result<Record<string, unknown>> {
  return interpolateFile(file(text), args, variables);
}

function value(result: Result<Record<string, unknown>>): Record<string, unknown> {
  if (!result.ok) throw new Error(errorMessage(result.errors));
  return result.value;
}

function failure(result: Result<Record<string, unknown>>): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return errorMessage(result.errors);
}

const TYPED = `
spec:
  inputs:
    name:
      default: web
    count:
      type: number
      default: 2
    flag:
      type: boolean
      default: false
    list:
      type: array
      default: [a, b]
    mode:
      default: fast
      options: [fast, slow]
    level:
      type: number
      default: 1
      options: [1, 2, 3]
    tag:
      default: v1
      regex: ^v[0-9]+$
    required:
---
$[[ inputs.name ]]-job:
  parallel: $[[ inputs.count ]]
  allow_failure: $[[ inputs.flag ]]
  script: $[[ inputs.list ]]
  variables:
    TEXT: "$[[ inputs.name ]] x$[[ inputs.count ]] $[[ inputs.flag ]] $[[ inputs.list ]] $[[ inputs.required ]]"
    MODE: $[[ inputs.mode ]]
    LEVEL: $[[ inputs.level ]]
    TAG: $[[ inputs.tag ]]
`;

describe('spec:inputs and $[[ inputs.* ]] interpolation (as GitLab documents it)', () => {
  it('keeps the type of an input that is a whole value and writes it as text inside a string', () => {
    const config = value(run(TYPED, { required: 'r' }));
    expect(config).toEqual({
      'web-job': {
        parallel: 2,
        allow_failure: false,
        script: ['a', 'b'],
        variables: { TEXT: 'web x2 false ["a", "b"] r', MODE: 'fast', LEVEL: 1, TAG: 'v1' },
      },
    });
  });

  it('interpolates keys as well as values, with the values given', () => {
    const config = value(
      run(TYPED, { name: 'api', count: 5, flag: true, list: ['x'], required: 'q', mode: 'slow', level: 3 }),
    );
    expect(Object.keys(config)).toEqual(['api-job']);
    expect(config['api-job']).toMatchObject({ parallel: 5, allow_failure: true, script: ['x'] });
  });

  it('reads text given to number, boolean and array inputs as JSON, as GitLab does', () => {
    const config = value(run(TYPED, { required: 'r', count: '7', flag: 'true', list: '["p", "q"]' }));
    expect(config['web-job']).toMatchObject({ parallel: 7, allow_failure: true, script: ['p', 'q'] });
  });

  const invalid: { name: string; args: Record<string, unknown>; message: string }[] = [
    {
      name: 'a required input not given',
      args: {},
      message: '`required` input: required value has not been provided',
    },
    {
      name: 'an unknown input',
      args: { required: 'r', colour: 'red' },
      message: 'unknown input arguments: colour',
    },
    {
      name: 'text for a boolean',
      args: { required: 'r', flag: 'yes' },
      message: '`flag` input: provided value is not a boolean',
    },
    {
      name: 'a number for a boolean',
      args: { required: 'r', flag: 1 },
      message: '`flag` input: provided value is not a boolean',
    },
    {
      name: 'text for a number',
      args: { required: 'r', count: 'ten' },
      message: '`count` input: provided value is not a number',
    },
    {
      name: 'text for an array',
      args: { required: 'r', list: 'a,b' },
      message: '`list` input: provided value is not an array',
    },
    {
      name: 'a value not in options',
      args: { required: 'r', mode: 'medium' },
      message: '`mode` input: `medium` cannot be used because it is not in the list of allowed options',
    },
    {
      name: 'a number not in options',
      args: { required: 'r', level: 9 },
      message: '`level` input: `9` cannot be used because it is not in the list of the allowed options',
    },
    {
      name: 'a value that does not match the regex',
      args: { required: 'r', tag: 'latest' },
      message: '`tag` input: provided value does not match required RegEx pattern',
    },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name}`, () => {
      expect(failure(run(TYPED, c.args))).toBe(c.message);
    });
  }

  it('reports the first three problems in one line, as GitLab does', () => {
    const message = failure(run(TYPED, { flag: 'no', count: 'x', list: 1, mode: 'm' }));
    expect(message).toBe(
      '`count` input: provided value is not a number, `flag` input: provided value is not a boolean, `list` input: provided value is not an array',
    );
  });

  it('checks defaults against their own type, options and regex', () => {
    const spec = (body: string): string =>
      `spec:\n  inputs:\n    x:\n${body}\n---\njob:\n  script: $[[ inputs.x ]]\n`;
    expect(failure(run(spec('      type: boolean\n      default: "no"')))).toBe(
      '`x` input: default value is not a boolean',
    );
    expect(failure(run(spec('      default: b\n      options: [a]')))).toBe(
      '`x` input: `b` cannot be used because it is not in the list of allowed options',
    );
    expect(failure(run(spec('      default: b\n      regex: ^a$')))).toBe(
      '`x` input: default value does not match required RegEx pattern',
    );
    expect(failure(run(spec('      type: boolean\n      default: true\n      options: [true]')))).toBe(
      '`x` input: Options can only be used with string and number inputs',
    );
    expect(failure(run(spec('      type: array\n      default: []\n      regex: ^a$')))).toBe(
      '`x` input: RegEx validation can only be used with string inputs',
    );
  });

  it('refuses headers GitLab refuses', () => {
    expect(failure(run('spec:\n  inputs:\n    x:\n      kind: string\n---\njob:\n  script: a\n'))).toBe(
      'header:spec:inputs:x config contains unknown keys: kind',
    );
    expect(failure(run('spec:\n  inputs:\n    x:\n      type: hash\n---\njob:\n  script: a\n'))).toBe(
      'unknown input specification for `x` (valid types: array, boolean, number, string)',
    );
  });

  it('refuses inputs for a file without a header', () => {
    expect(failure(run('job:\n  script: a\n', { x: 1 }))).toBe('unknown input arguments');
  });

  it('refuses an interpolation of something that is not an input', () => {
    const text =
      'spec:\n  inputs:\n    x:\n      default: a\n---\njob:\n  script: echo $[[ inputs.y ]] $[[ foo ]]\n';
    expect(failure(run(text))).toBe('unknown interpolation key: `y`');
    expect(failure(run(text.replace('$[[ inputs.y ]] ', '')))).toBe('invalid interpolation access pattern');
  });

  it('applies the functions expand_vars, truncate and posix_escape, at most three', () => {
    const text = (block: string): string =>
      `spec:\n  inputs:\n    x:\n      default: "$NAME it's $OTHER"\n---\njob:\n  script: "$[[ ${block} ]]"\n`;
    const script = (block: string): unknown =>
      (value(run(text(block), {}, { NAME: 'Ada' })).job as { script: unknown }).script;
    expect(script('inputs.x | expand_vars')).toBe("Ada it's $OTHER");
    expect(script('inputs.x | expand_vars | truncate(0,3)')).toBe('Ada');
    expect(script('inputs.x | posix_escape')).toBe("\\$NAME\\ it\\'s\\ \\$OTHER");
    expect(failure(run(text('inputs.x | upcase'), {}))).toBe(
      'no function matching `upcase`: check that the function name, arguments, and types are correct',
    );
    expect(failure(run(text('inputs.x | expand_vars | expand_vars | expand_vars | expand_vars')))).toBe(
      'too many functions in interpolation block',
    );
    expect(shellEscape('')).toBe("''");
  });
});

describe('the templates refuse wrong inputs', () => {
  for (const name of TEMPLATE_NAMES) {
    const template = (): CiFile => file(readTemplate(name));

    it(`${name}.yml interpolates with its defaults, leaving no block behind`, () => {
      const config = value(interpolateFile(template(), {}));
      expect(JSON.stringify(config)).not.toContain('$[[');
    });

    it(`${name}.yml refuses an unknown input`, () => {
      expect(failure(interpolateFile(template(), { 'allow-failures': true }))).toBe(
        'unknown input arguments: allow-failures',
      );
    });

    it(`${name}.yml refuses text where it expects a boolean, and a job prefix that is not a name`, () => {
      const booleans = Object.entries(
        (template().header?.spec as { inputs: Record<string, { type?: string }> }).inputs,
      )
        .filter(([, spec]) => spec.type === 'boolean')
        .map(([input]) => input);
      expect(booleans.length).toBeGreaterThan(0);
      for (const input of booleans)
        expect(failure(interpolateFile(template(), { [input]: 'maybe' }))).toBe(
          `\`${input}\` input: provided value is not a boolean`,
        );
      expect(failure(interpolateFile(template(), { 'job-prefix': 'my jobs' }))).toBe(
        '`job-prefix` input: provided value does not match required RegEx pattern',
      );
      expect(failure(interpolateFile(template(), { 'chs-version': 'latest' }))).toBe(
        '`chs-version` input: provided value does not match required RegEx pattern',
      );
    });
  }

  it('deploy.yml takes only on_success or manual for when', () => {
    expect(failure(interpolateFile(file(readTemplate('deploy')), { when: 'delayed' }))).toBe(
      '`when` input: `delayed` cannot be used because it is not in the list of allowed options',
    );
  });

  it('lint.yml refuses rules that are not an array', () => {
    expect(failure(interpolateFile(file(readTemplate('lint')), { rules: 'if: $CI' }))).toBe(
      '`rules` input: provided value is not an array',
    );
  });
});
