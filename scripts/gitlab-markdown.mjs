// Markdown as GitLab shows it in a note or an issue, near enough to look at and to test: GFM
// tables, raw <details>/<summary>/<sub> kept, CommonMark paragraphs (the note never relies on a
// single newline breaking a line), and a style sheet after GitLab's.
import { marked } from 'marked';

/** The HTML of a note's body. */
export function renderGitLab(markdown) {
  return marked.parse(markdown, { async: false, gfm: true, breaks: false });
}

const CSS = `
body { font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", Ubuntu, Cantarell, "Helvetica Neue", sans-serif, "Noto Color Emoji";
  font-size: 14px; line-height: 20px; color: #333238; background: #fff; margin: 0; }
.note { max-width: 1000px; margin: 16px auto; border: 1px solid #dcdcde; border-radius: 4px; padding: 12px 16px; }
.note-header { color: #626168; font-size: 13px; margin-bottom: 8px; }
.note-header b { color: #333238; }
p { margin: 0 0 12px; }
code { font-family: "GitLab Mono", "JetBrains Mono", Menlo, "DejaVu Sans Mono", monospace; font-size: 90%;
  background: #ececef; border-radius: 4px; padding: 2px 4px; }
pre { background: #fbfafd; border: 1px solid #dcdcde; border-radius: 4px; padding: 8px 12px; overflow-x: auto; font-size: 13px; line-height: 1.4; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; margin: 0 0 12px; display: block; overflow-x: auto; }
th, td { border: 1px solid #dcdcde; padding: 6px 10px; vertical-align: top; text-align: left; }
th { background: #fbfafd; font-weight: 600; }
details { margin: 0 0 12px; }
summary { cursor: pointer; padding: 4px 0; }
details > :not(summary) { margin-left: 16px; }
h3 { font-size: 16px; margin: 16px 0 8px; }
ul { margin: 0 0 12px; padding-left: 24px; }
sub { color: #626168; }
a { color: #1068bf; text-decoration: none; }
`;

/** A page with one note in it, as an issue or merge request shows it. */
export function gitLabPage(title, html, { open = false } = {}) {
  const body = open ? html.replace(/<details>/g, '<details open>') : html;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>${CSS}</style></head>
<body><div class="note"><div class="note-header"><b>chs bot</b> @chs-bot · commented</div>${body}</div></body></html>`;
}
