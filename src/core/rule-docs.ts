/**
 * Where a rule's page (`docs/rules/<id>.md`) is read on the web: under `CHS_DOCS_URL` when set,
 * else under the package's `homepage`. Empty when neither is known (no link is better than a
 * broken one).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './config.js';

let homepage: string | undefined;

function docsBase(): string {
  const configured = process.env.CHS_DOCS_URL?.trim();
  if (configured) return configured.replace(/\/+$/, '');
  if (homepage === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
        homepage?: unknown;
      };
      homepage = typeof pkg.homepage === 'string' ? pkg.homepage.replace(/[#/]+$/, '') : '';
    } catch {
      homepage = '';
    }
  }
  return homepage === '' ? '' : `${homepage}/-/blob/main/docs/rules`;
}

export function ruleDocsUrl(ruleId: string): string {
  const base = docsBase();
  if (base === '' || !/^https?:\/\/[^\s()<>]+$/.test(base)) return '';
  return `${base}/${ruleId.split('/').map(encodeURIComponent).join('/')}.md`;
}
