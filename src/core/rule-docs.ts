/**
 * Where a rule's page is published. Reports (SARIF `helpUri`, Code Quality) and the merge request
 * note link it, so the URL is built here only. The base is the `docs/` folder beside package.json's
 * `homepage`; `CHS_DOCS_URL` replaces it (a mirror of the project, an instance without internet).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './config.js';

export const DOCS_URL_VARIABLE = 'CHS_DOCS_URL';

let homepageDocs: string | undefined;

function packageDocsBase(): string {
  if (homepageDocs === undefined) {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      homepage?: string;
    };
    const home = (pkg.homepage ?? '').replace(/#.*$/, '').replace(/\/+$/, '');
    homepageDocs = `${home}/-/blob/main/docs`;
  }
  return homepageDocs;
}

/** The page of a rule: `<base>/rules/<id>.md` (ids are `language/name`: two path segments). */
export function ruleDocsUrl(ruleId: string): string {
  const override = process.env[DOCS_URL_VARIABLE]?.trim();
  const base = override ? override.replace(/\/+$/, '') : packageDocsBase();
  return `${base}/rules/${ruleId.split('/').map(encodeURIComponent).join('/')}.md`;
}
