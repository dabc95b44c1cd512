/**
 * Links in a note written in CI: files at the head commit with line anchors (CI_PROJECT_URL,
 * CI_COMMIT_SHA), the job and its artifact (CI_JOB_URL). Outside CI there are none, and names
 * show as code.
 */
import { codeSpan } from './markdown-blocks.js';

export interface NoteLinks {
  /** CI_PROJECT_URL */
  project?: string;
  /** CI_COMMIT_SHA: the head commit the note reflects. */
  commit?: string;
  /** CI_JOB_URL */
  job?: string;
  /** Where the artifact can be downloaded. */
  artifact?: string;
}

const URL_SHAPE = /^https?:\/\/[^\s()<>"'`]+$/;

function url(value: string | undefined): string | undefined {
  const v = value?.trim().replace(/\/+$/, '');
  return v && URL_SHAPE.test(v) ? v : undefined;
}

/** The links that the CI variables allow; each value checked for the shape of a URL or a SHA. */
export function linksFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  artifactPath?: string,
): NoteLinks {
  const project = url(env.CI_PROJECT_URL);
  const job = url(env.CI_JOB_URL);
  const commit = /^[0-9a-f]{7,64}$/i.test(env.CI_COMMIT_SHA ?? '') ? env.CI_COMMIT_SHA : undefined;
  return {
    ...(project ? { project } : {}),
    ...(commit ? { commit } : {}),
    ...(job ? { job } : {}),
    ...(job && artifactPath
      ? { artifact: `${job}/artifacts/file/${artifactPath.split(/[\\/]/).map(encodeURIComponent).join('/')}` }
      : {}),
  };
}

/** A path as URL segments: every character that could end or bend a Markdown link is encoded. */
function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) =>
      encodeURIComponent(s).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

/** A Markdown link; `text` is already safe Markdown. */
function link(text: string, href: string): string {
  return `[${text}](${href})`;
}

/** A line of a repository file: `L12`, linked to the line at the head commit when the links allow it. */
export function lineRef(links: NoteLinks, path: string, line: number | undefined): string {
  if (line === undefined) return '';
  if (!links.project || !links.commit || path === '') return `L${line}`;
  return link(`L${line}`, `${links.project}/-/blob/${links.commit}/${encodePath(path)}#L${line}`);
}

/** A repository file (and line) as code, linked to the head commit when the links allow it. */
export function fileRef(links: NoteLinks, path: string, line?: number, inTable = false): string {
  const shown = codeSpan(line === undefined ? path : `${path}:${line}`, inTable);
  if (!links.project || !links.commit || path === '') return shown;
  const anchor = line === undefined ? '' : `#L${line}`;
  return link(shown, `${links.project}/-/blob/${links.commit}/${encodePath(path)}${anchor}`);
}
