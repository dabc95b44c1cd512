/**
 * The drift issue's title and body for a target: what each missing, changed or extra object
 * means for the cluster, who changed it (the field managers of managedFields), the next step as
 * it works where the operator takes it, and the diffs folded. No time stamps or job links: the
 * body changes only when the drift does, so that an unchanged drift leaves the issue alone.
 */
import type { DriftReport } from '../kube/drift.js';
import { describeRef, refKey } from '../kube/objects.js';
import type { ObjectRef } from '../kube/objects.js';
import { codeSpan, escapeText, htmlCode, renderBlocks } from '../report/markdown-blocks.js';
import type { MdBlock } from '../report/markdown-blocks.js';

/** GitLab's description limit is 1,048,576 characters; leave room for the marker. */
const BODY_LIMIT = 1_000_000;

export function driftIssueTitle(target: string): string {
  return `Drift in target ${target}: the cluster differs from the repository`;
}

/** Where the next step is taken: the project's pipelines, when the drift job runs in CI. */
export interface DriftIssueContext {
  /** CI_PROJECT_URL */
  projectUrl?: string;
  /** CI_DEFAULT_BRANCH */
  defaultBranch?: string;
  /** How the target is deployed. */
  via?: 'apply' | 'cluster-management-project';
  /** The drift job's name (CI_JOB_NAME): the deploy job shares its prefix (`chs-drift` → `chs-deploy-TARGET`). */
  jobName?: string;
}

type Meaning = { missing: string; changed: string; extra: string };

/** What an object does for the cluster, by its component (and kind). */
const MEANING: Record<string, Meaning> = {
  'falco-rules': {
    missing: "Falco runs without the repository's rules: none of them alerts.",
    changed: "Falco loads rules that differ from the repository's: some alerts may be missing or new.",
    extra: 'Falco still loads rules that the repository no longer has.',
  },
  'apparmor-profiles': {
    missing:
      'The loader has no AppArmor profiles to load: nodes that start now lack them, and pods that name one do not start there.',
    changed: "Nodes load AppArmor profiles that differ from the repository's.",
    extra: 'Nodes still load AppArmor profiles that the repository no longer has.',
  },
  'seccomp-profiles': {
    missing:
      'The loader has no seccomp profiles to install: nodes that start now lack them, and pods that name one do not start there.',
    changed: "Nodes get seccomp profiles that differ from the repository's.",
    extra: 'Nodes still get seccomp profiles that the repository no longer has.',
  },
  'seccomp-profile': {
    missing:
      'The Security Profiles Operator does not install this seccomp profile: pods that name it do not start.',
    changed: "The Security Profiles Operator installs a profile that differs from the repository's.",
    extra: 'The Security Profiles Operator still installs a profile the repository no longer has.',
  },
  'profile-loader': {
    missing:
      'No profile is loaded onto nodes that start or restart: pods that name a profile do not start there.',
    changed: "The profile loader differs from the repository's: it may load other profiles, or none.",
    extra: 'A profile loader the repository no longer has still runs on the nodes.',
  },
  'pod-security': {
    missing:
      'The pod security policy is not in effect: workloads it should reject or warn about are admitted silently.',
    changed:
      "Admission checks differ from the repository's policy: it may reject, warn or admit other workloads.",
    extra: 'A pod security policy the repository no longer has still rejects or warns about workloads.',
  },
};

const GENERIC: Meaning = {
  missing: 'The object is not in the cluster: what it configures is not in effect.',
  changed: "The object differs from the repository's.",
  extra: 'The object is no longer in the repository but still in effect.',
};

function meaning(report: DriftReport, ref: ObjectRef, what: keyof Meaning): string {
  const component = report.components?.get(refKey(ref));
  if (component === 'pod-security' && ref.kind === 'ValidatingAdmissionPolicyBinding' && what === 'missing')
    return 'The binding is missing: the pod security policy is not enforced, nothing is checked.';
  return (component ? MEANING[component] : undefined)?.[what] ?? GENERIC[what];
}

function objectLine(
  report: DriftReport,
  ref: ObjectRef,
  what: keyof Meaning,
  managers: readonly string[] = [],
): string {
  const by = managers.length > 0 ? ` Changed by ${managers.map((m) => codeSpan(m)).join(', ')}.` : '';
  return `- ${codeSpan(describeRef(ref))}: ${escapeText(meaning(report, ref, what))}${by}`;
}

/** The project's pipelines on the default branch, the latest first. */
function pipelinesUrl(projectUrl: string, branch: string): string {
  return `${projectUrl.replace(/\/+$/, '')}/-/pipelines?ref=${encodeURIComponent(branch)}`;
}

/** The target as a shell word (target names are `[A-Za-z0-9_.-]`; anything else is quoted). */
function shellWord(text: string): string {
  return /^[\w.-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function deployJob(target: string, jobName: string | undefined): string {
  const prefix = jobName && /-drift$/.test(jobName) ? jobName.slice(0, -'-drift'.length) : 'chs';
  return `${prefix}-deploy-${target}`;
}

/** The next step, as it works where the operator takes it. */
export function nextStep(report: DriftReport, context: DriftIssueContext): string {
  const conflicts = [...new Set(report.changed.flatMap((c) => c.managers ?? []))];
  const force = conflicts.length > 0 && context.via !== 'cluster-management-project';
  const target = escapeText(report.target);
  const takeBack = force
    ? ` The variable lets the deploy take the fields back from ${conflicts.map((m) => codeSpan(m)).join(', ')} (\`--force-conflicts\`): without it the deploy refuses, as server-side apply does.`
    : '';
  const lines: string[] = ['### Next step', ''];
  const branch = context.defaultBranch ?? 'main';
  const job = codeSpan(deployJob(report.target, context.jobName));
  // The deploy job runs in push pipelines of the default branch: a retry of it takes the
  // project's variables as they are then, a new web pipeline would not run it at all.
  const pipelines =
    context.projectUrl && /^https?:\/\/[^\s()<>]+$/.test(context.projectUrl)
      ? `[the latest pipeline on ${codeSpan(branch)}](${pipelinesUrl(context.projectUrl, branch)})`
      : `the latest pipeline on ${codeSpan(branch)} (Build → Pipelines)`;
  const retry = `retry the job ${job} of ${pipelines}`;
  const linked = force
    ? `Set the CI/CD variable ${codeSpan('CHS_FORCE_CONFLICTS')} to ${codeSpan('true')} (Settings → CI/CD → Variables), ${retry}, then delete the variable`
    : `R${retry.slice(1)}`;
  if (context.via === 'cluster-management-project') {
    lines.push(
      `${linked}: the deploy job commits the objects of target ${target} to the cluster management project again, and that project's pipeline applies them.`,
    );
  } else {
    lines.push(
      `${linked}: the deploy job applies the repository's objects to target ${target} again.${takeBack}`,
    );
    lines.push(
      '',
      'From a workstation whose kube context reaches the cluster instead:',
      '',
      '```sh',
      `chs deploy --target ${shellWord(report.target)}${force ? ' --force-conflicts' : ''} --require-approval=false${report.extra.length > 0 ? ' --prune' : ''}`,
      '```',
    );
  }
  if (report.extra.length > 0 && context.via !== 'cluster-management-project')
    lines.push(
      '',
      `Objects the repository no longer has go only with ${codeSpan('--prune')} (the deploy job's ${codeSpan('args')} input).`,
    );
  lines.push(
    '',
    'This issue closes itself at the next drift check that finds the cluster as the repository says.',
  );
  return lines.join('\n');
}

function blocksOf(report: DriftReport & { context: string }, context: DriftIssueContext): MdBlock[] {
  const blocks: MdBlock[] = [
    {
      type: 'raw',
      text: `**⚠️ The cluster of target ${escapeText(report.target)} differs from the repository** (kube context ${codeSpan(report.context)}): ${report.missing.length} missing, ${report.changed.length} changed, ${report.extra.length} extra.`,
    },
    { type: 'raw', text: nextStep(report, context) },
  ];
  if (report.missing.length > 0)
    blocks.push({
      type: 'raw',
      text: [
        '### Missing from the cluster',
        '',
        ...report.missing.map((ref) => objectLine(report, ref, 'missing')),
      ].join('\n'),
    });
  if (report.changed.length > 0) {
    blocks.push({
      type: 'raw',
      text: [
        '### Changed in the cluster',
        '',
        ...report.changed.map((c) => objectLine(report, c.ref, 'changed', c.managers)),
      ].join('\n'),
    });
    for (const change of report.changed)
      blocks.push({
        type: 'details',
        summary: `Diff of ${htmlCode(describeRef(change.ref))} (repository → cluster)`,
        children: [{ type: 'code', lang: 'diff', text: change.diff.trimEnd() }],
      });
  }
  if (report.extra.length > 0)
    blocks.push({
      type: 'raw',
      text: [
        '### In the cluster but no longer in the repository',
        '',
        ...report.extra.map((ref) => objectLine(report, ref, 'extra')),
      ].join('\n'),
    });
  return blocks;
}

export function driftIssueBody(
  report: DriftReport & { context: string },
  context: DriftIssueContext = {},
  limit: number = BODY_LIMIT,
): string {
  const notice = '\n\n… (cut at the size limit: the full report is in the job log of `chs drift`)';
  const parts: string[] = [];
  let used = 0;
  // Whole blocks only: a cut never falls inside a code fence or a fold.
  for (const block of blocksOf(report, context)) {
    const text = renderBlocks([block]).text;
    const cost = (parts.length > 0 ? 2 : 0) + text.length;
    if (used + cost + notice.length + 1 > limit) return `${parts.join('\n\n')}${notice}\n`;
    parts.push(text);
    used += cost;
  }
  return `${parts.join('\n\n')}\n`;
}
