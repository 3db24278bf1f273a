/**
 * Template notes to HTML: Markdown (marked) with KaTeX formulas, `$…$` inline and `$$…$$` displayed.
 * Formulas are rendered before Markdown sees them, so `_` and `*` inside them stay TeX. Raw HTML in the
 * notes is shown as text, never inserted. A formula KaTeX cannot read is shown as its source, in red,
 * rather than breaking the page.
 */
import katex from 'katex';
import { Marked, type TokenizerAndRendererExtension, type Tokens } from 'marked';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const tex = (source: string, displayMode: boolean) =>
  katex.renderToString(source, { displayMode, throwOnError: false, strict: 'ignore' });

interface MathToken extends Tokens.Generic {
  readonly text: string;
  readonly display: boolean;
}

const blockMath: TokenizerAndRendererExtension = {
  name: 'blockMath',
  level: 'block',
  start: (src) => src.match(/^\$\$/m)?.index,
  tokenizer(src) {
    const m = /^\$\$([\s\S]+?)\$\$[^\S\n]*(?:\n|$)/.exec(src);
    if (m) return { type: 'blockMath', raw: m[0], text: m[1]!.trim(), display: true } satisfies MathToken;
    return undefined;
  },
  renderer: (token) => `<div class="ll-math">${tex((token as MathToken).text, true)}</div>\n`,
};

const inlineMath: TokenizerAndRendererExtension = {
  name: 'inlineMath',
  level: 'inline',
  start: (src) => src.indexOf('$') >= 0 ? src.indexOf('$') : undefined,
  tokenizer(src) {
    const display = /^\$\$([\s\S]+?)\$\$/.exec(src);
    if (display) return { type: 'inlineMath', raw: display[0], text: display[1]!.trim(), display: true } satisfies MathToken;
    const inline = /^\$([^$\n]+?)\$/.exec(src);
    if (inline) return { type: 'inlineMath', raw: inline[0], text: inline[1]!, display: false } satisfies MathToken;
    return undefined;
  },
  renderer: (token) => tex((token as MathToken).text, (token as MathToken).display),
};

const marked = new Marked({
  gfm: true,
  async: false,
  extensions: [blockMath, inlineMath],
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

/** The notes as HTML, formulas typeset. */
export function renderNotes(markdown: string): string {
  return marked.parse(markdown, { async: false });
}

/** Inline Markdown (a card's sentence, a prompt), formulas typeset, no surrounding paragraph. */
export function renderInline(markdown: string): string {
  return marked.parseInline(markdown, { async: false });
}
