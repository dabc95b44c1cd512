/**
 * Where a rule's page is published. Reports (SARIF `helpUri`, Code Quality), the merge request
 * note and the drift issue link it, so the URL is built here only. The base is the `docs/` folder
 * beside package.json's `homepage`; `CHS_DOCS_URL` replaces it (a mirror of the project, an
 * instance without internet). Empty when the base is not an http(s) URL: no link is better than a
 * broken or hostile one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './config.js';

export const DOCS_URL_VARIABLE = 'CHS_DOCS_URL';

let homepageDocs: string | undefined;

function packageDocsBase(): string {
  if (homepageDocs === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
        homepage?: unknown;
      };
      const home = typeof pkg.homepage === 'string' ? pkg.homepage.replace(/#.*$/, '').replace(/\/+$/, '') : '';
      homepageDocs = home === '' ? '' : `${home}/-/blob/main/docs`;
    } catch {
      homepageDocs = '';
    }
  }
  return homepageDocs;
}

/** The page of a rule: `<base>/rules/<id>.md` (ids are `language/name`: two path segments). */
export function ruleDocsUrl(ruleId: string): string {
  const override = process.env[DOCS_URL_VARIABLE]?.trim();
  const base = override ? override.replace(/\/+$/, '') : packageDocsBase();
  if (!/^https?:\/\/[^\s()<>]+$/.test(base)) return '';
  return `${base}/rules/${ruleId.split('/').map(encodeURIComponent).join('/')}.md`;
}
