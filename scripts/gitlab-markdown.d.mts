/** Markdown as GitLab renders it in notes and issues (marked, GFM, raw HTML kept). */
export function renderGitLab(markdown: string): string;
/** A page with one note in it, with GitLab-like CSS; `open` unfolds every <details>. */
export function gitLabPage(title: string, html: string, options?: { open?: boolean }): string;
