/**
 * `chs`: argument parsing only (src/cli/chs.ts runs it). Each command lives in its own module,
 * imported when it runs, so that `chs lint` never loads the Kubernetes or GitLab clients.
 */
import { Command, CommanderError, Option } from '@commander-js/extra-typings';
import { packageVersion } from './version.js';
import { run, fail } from './run.js';

// One chain, so that the type of `program` carries the global options its commands read.
const program = new Command()
  .name('chs')
  .description(
    'Container Host Security as policy as code: lint, test, preview, deploy and drift-check Falco rules, AppArmor and seccomp profiles and pod security policies.',
  )
  .version(packageVersion(), '-V, --version', 'print the version')
  .option('-C, --cwd <dir>', 'run as if chs was started in <dir> (the repository root)')
  .showHelpAfterError('(run "chs --help" for usage)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'chs: ')) });

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const formatOption = <const Choices extends readonly string[]>(choices: Choices) =>
  new Option('--format <format>', 'output format').choices(choices).default('text');
const kindOption = () => new Option('--kind <kind>', 'force the kind of the files named');

// --kind's choices are the kinds of the languages list, read only by the commands that have the
// option (before they parse or print their help): the others start without loading a language.
program.hook('preSubcommand', async (_program, subcommand) => {
  const kind = subcommand.options.find((option) => option.long === '--kind');
  if (!kind) return;
  const { languages } = await import('../languages/list.js');
  kind.choices(languages.map((language) => language.kind));
});

program
  .command('lint')
  .description('validate the configuration and every policy file')
  .argument('[path...]', 'files or directories (default: the repository layout or chs.yaml paths)')
  .addOption(kindOption())
  .addOption(formatOption(['text', 'stylish', 'json']))
  .option(
    '--report <type=file>',
    'also write a report: codequality=FILE, junit=FILE or sarif=FILE (repeatable)',
    collect,
  )
  .option(
    '--report-base <dir>',
    'write the paths in --report files relative to <dir> (in CI: "$CI_PROJECT_DIR")',
  )
  .option('--include-dir <dir>', 'add a root for AppArmor include statements (repeatable)', collect)
  .option('--max-warnings <n>', 'exit 1 when there are more warnings than this', (v) =>
    parseCount(v, '--max-warnings'),
  )
  .option('--quiet', 'report errors only (warnings still count for --max-warnings)')
  .option('-o, --output-file <file>', 'write the report (--format) to <file> instead of the terminal')
  .action((paths, options, command) =>
    run(command, async (ctx) => (await import('./lint.js')).lintCommand(ctx, paths, options)),
  );

program
  .command('rules')
  .description(
    "list every lint rule with its id, default severity and description; with an id, print the rule's page",
  )
  .argument('[id]', 'a rule id (falco/shadowed-rule): print its page (docs/rules/<id>.md)')
  .addOption(formatOption(['text', 'json']))
  .action((id, options, command) =>
    run(command, async (ctx) => (await import('./rules.js')).rulesCommand(ctx, id, options)),
  );

program
  .command('test')
  .description('run the policy test cases (policies/tests/**/*.yaml)')
  .argument('[path...]', 'test files or directories')
  .addOption(formatOption(['text', 'json']))
  .option(
    '--report <type=file>',
    'also write a report: codequality=FILE (the failed cases) or junit=FILE (repeatable)',
    collect,
  )
  .option(
    '--report-base <dir>',
    'write the paths in --report files relative to <dir> (in CI: "$CI_PROJECT_DIR")',
  )
  .option('--include-dir <dir>', 'add a root for AppArmor include statements (repeatable)', collect)
  .action((paths, options, command) =>
    run(command, async (ctx) => (await import('./test.js')).testCommand(ctx, paths, options)),
  );

const falco = program
  .command('falco')
  .description('Falco rules: parse conditions, compile rules files, replay events');
falco
  .command('parse')
  .description('parse Falco conditions (syntax only) and print one JSON line each')
  .argument('[condition...]', 'conditions to parse')
  .option('--stdin', 'read one condition a line from standard input')
  .action((conditions, options, command) =>
    run(command, async (ctx) =>
      (await import('./falco-parse.js')).falcoParseCommand(ctx, conditions, options),
    ),
  );
falco
  .command('compile')
  .description("load rules files as Falco does and print each rule's expanded condition")
  .argument('<file...>', 'rules files, in load order')
  .addOption(formatOption(['text', 'json']))
  .action((files, options, command) =>
    run(command, async (ctx) =>
      (await import('./falco-compile.js')).falcoCompileCommand(ctx, files, options),
    ),
  );
falco
  .command('replay')
  .description('evaluate rules against recorded events and print the alerts as Falco would')
  .requiredOption('--rules <file...>', 'rules files, in load order')
  .requiredOption('--events <file...>', 'recorded events (JSON Lines, optionally gzipped)')
  .option('--summary', 'print counts per rule instead of the alerts')
  .addOption(formatOption(['text', 'json']))
  .action((options, command) =>
    run(command, async (ctx) => (await import('./falco-replay.js')).falcoReplayCommand(ctx, options)),
  );

const podSecurity = program
  .command('pod-security')
  .description('pod security policies and Pod Security Admission');
podSecurity
  .command('check')
  .description('evaluate Pods and workloads against a level or the repository policies')
  .argument('<file...>', 'files with Pods and workloads')
  .addOption(
    new Option('--level <level>', 'Pod Security Standards level').choices([
      'privileged',
      'baseline',
      'restricted',
    ]),
  )
  .option('--version <version>', 'Pod Security Standards version: v1.N or latest', 'latest')
  .addOption(formatOption(['text', 'json']))
  .action((files, options, command) =>
    run(command, async (ctx) =>
      (await import('./pod-security.js')).podSecurityCheckCommand(ctx, files, options),
    ),
  );

program
  .command('render')
  .description('write the Kubernetes objects and Helm values that deploy the policies')
  .option('--target <name>', 'the target to render for')
  .option('--out <dir>', 'output directory (one subdirectory per target)', 'rendered')
  .option(
    '--recorder',
    'also write the Falco rule that records the events the rules read (chs.yaml recorder)',
  )
  .option('--allow-lint-errors', 'render even when chs lint finds errors (exit 1 without it)')
  .action((options, command) =>
    run(command, async (ctx) => (await import('./render.js')).renderCommand(ctx, options)),
  );

program
  .command('preview')
  .description("compare the merge request's policies with its base and write the impact report")
  .option('--base <ref>', 'git ref of the base (default $CI_MERGE_REQUEST_DIFF_BASE_SHA)')
  .option('--base-dir <dir>', 'a directory holding the base instead of a git ref')
  .option(
    '--events <file>',
    'recorded events, JSON Lines (repeatable; default: chs.yaml preview.events)',
    collect,
  )
  .addOption(
    new Option('--events-from <store>', 'read events from a store (see docs/event-stores.md)').choices([
      'loki',
      'elasticsearch',
    ]),
  )
  .option('--store-url <url>', "the store's base URL")
  .option('--store-query <query>', 'Loki: a LogQL selector; Elasticsearch: a JSON query DSL filter')
  .option('--store-index <index>', 'Elasticsearch/OpenSearch: index or pattern (falco-*)')
  .option('--since <duration>', 'read the store over this long back from now (90s, 30m, 24h, 7d; default 7d)')
  .option('--from <time>', 'start of the window, RFC 3339')
  .option('--to <time>', 'end of the window, RFC 3339 (default now)')
  .option('--tenant <id>', 'Loki: the tenant (X-Scope-OrgID)')
  .option('--token-env <name>', 'environment variable holding a bearer token')
  .option('--api-key-env <name>', 'environment variable holding an Elasticsearch API key')
  .option('--user-env <name>', 'environment variable holding the basic-auth user')
  .option('--password-env <name>', 'environment variable holding the basic-auth password')
  .option('--snapshot <file>', 'a cluster snapshot (kubectl get ... -o yaml)')
  .option('--kube-context <name>', 'read the live cluster through this kube context (read-only)')
  .addOption(formatOption(['text', 'markdown', 'json']))
  .option('--out <file>', 'the full Markdown report, for the job artifacts', 'chs-preview.md')
  .option('--post', 'upsert the report as the merge request note')
  .option('--time-limit <seconds>', 'stop with a verdict past this many seconds (default 600)', (v) =>
    parsePositive(v, '--time-limit'),
  )
  .option(
    '--memory-limit <MiB>',
    'stop with a verdict past this much resident memory (default 1536, less on a small runner)',
    (v) => parsePositive(v, '--memory-limit'),
  )
  .action((options, command) =>
    run(command, async (ctx) => (await import('./preview.js')).previewCommand(ctx, options)),
  );

program
  .command('deploy')
  .description('check lint and approval, then apply the policies')
  .option('--target <name>', 'the target to deploy to (default: every target)')
  .option('--dry-run', 'show what would be applied; write nothing')
  .addOption(
    new Option('--via <path>', 'how the policies reach the cluster').choices([
      'apply',
      'cluster-management-project',
    ]),
  )
  .option('--prune', 'delete our objects of this target that are no longer wanted')
  .option('--allow-lint-errors', 'deploy even when chs lint finds errors (refused without it)')
  .option(
    '--force-conflicts',
    'take over fields that another field manager owns (also CHS_FORCE_CONFLICTS=true, for a pipeline run)',
  )
  .option(
    '--require-approval <bool>',
    'refuse unless the merge request that brought the commit was approved (true|false)',
    (v) => parseBool(v, '--require-approval'),
    true,
  )
  .option('--kubeconfig <file>', "kubeconfig file (default: the target's, else KUBECONFIG)")
  .option(
    '--kube-context <name>',
    "kube context (default: the target's kubeContext, else the current context)",
  )
  .action((options, command) =>
    run(command, async (ctx) => (await import('./deploy.js')).deployCommand(ctx, options)),
  );

program
  .command('drift')
  .description('compare the cluster with the repository')
  .option('--target <name>', 'the target to check (default: every target)')
  .addOption(formatOption(['text', 'json']))
  .option('--issue', 'keep one GitLab issue up to date with the drift')
  .option('--kubeconfig <file>', "kubeconfig file (default: the target's, else KUBECONFIG)")
  .option(
    '--kube-context <name>',
    "kube context (default: the target's kubeContext, else the current context)",
  )
  .action((options, command) =>
    run(command, async (ctx) => (await import('./drift.js')).driftCommand(ctx, options)),
  );

program
  .command('import')
  .description('turn policies kept elsewhere into a policy repository')
  .command('gitlab-cmp')
  .description(
    "import a cluster management project of GitLab's Container Host Security (Falco customRules, AppArmor profiles and securityPolicies, PodSecurityPolicies)",
  )
  .argument('<dir>', 'the checkout of the cluster management project')
  .option('--out <dir>', 'where to write the policy repository (default: the working directory)')
  .option('--project <path>', "the project's GitLab path for chs.yaml (default: from its git remote)")
  .action((dir, options, command) =>
    run(command, async (ctx) => (await import('./import.js')).importGitlabCmpCommand(ctx, dir, options)),
  );

function parseCount(value: string, flag: string): number {
  if (!/^\d+$/.test(value))
    throw new CommanderError(2, 'chs.invalidArgument', `${flag} takes a whole number, not "${value}"`);
  return Number(value);
}

function parsePositive(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0)
    throw new CommanderError(
      2,
      'chs.invalidArgument',
      `${flag} takes a whole number above 0, not "${value}"`,
    );
  return Number(value);
}

function parseBool(value: string, flag: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new CommanderError(2, 'chs.invalidArgument', `${flag} takes true or false, not "${value}"`);
}

/**
 * After `pod-security`, `--version v1.N` is the Pod Security Standards version, not chs's own
 * `--version`, which commander would otherwise take wherever it appears: `--version=v1.N` reaches
 * the subcommand.
 */
function podSecurityVersion(argv: readonly string[]): string[] {
  const out = [...argv];
  const at = out.indexOf('pod-security');
  if (at === -1) return out;
  for (let i = at + 1; i < out.length - 1; i++) {
    if (out[i] === '--') break;
    if (out[i] === '--version') out.splice(i, 2, `--version=${out[i + 1] ?? ''}`);
  }
  return out;
}

/** Parses and runs a command line (as `process.argv`) once; sets `process.exitCode`. */
export async function runCli(argv: readonly string[]): Promise<void> {
  try {
    await program.parseAsync(podSecurityVersion(argv));
  } catch (error) {
    if (error instanceof CommanderError) {
      // `chs` alone (and `chs falco`, `chs pod-security` without their subcommand) prints the help
      // as an error (exitCode 1): a usage error, exit 2; `--help` and `chs help` are not.
      const ok =
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        (error.code === 'commander.help' && error.exitCode === 0);
      process.exitCode = ok ? 0 : 2;
      if (error.code === 'chs.invalidArgument') process.stderr.write(`chs: ${error.message}\n`);
    } else {
      fail(error);
    }
  }
}
