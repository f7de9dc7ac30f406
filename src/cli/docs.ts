/**
 * `measureplan docs <plan.json> [--out plan.md] [--format md|html]`: the measurement plan as a
 * document to share: Markdown for a wiki or a pull request, or one self-contained HTML page.
 */
import { parse, choice } from './args';
import { checkFile } from './check';
import { refuse, write } from './output';
import { renderHtml, renderMarkdown } from './document';
import { UsageError, type IO } from './io';
import { planDocument } from './plan-document';

export const docsHelp = `Usage: measureplan docs <plan.json> [--out plan.md] [--format md|html]

Writes the measurement plan as a document for people: the business goals, every
conversion with what it means, how it is recognised on the site, its value, the goal
it supports and the name each tool receives it under; the funnels, abandonment,
experiments and page experience; the tools and their ids; and what consent changes.
An invalid plan is refused (exit 1).

Options:
  --format md|html   Markdown (default; html when --out ends in .html): one HTML file
                     with its styles inside, no scripts, nothing loaded from elsewhere
  --out <file>       write it there; without it, print it
  --no-color         plain text even in a terminal
  -h, --help         this help

Examples:
  measureplan docs plan.json --out docs/measurement-plan.md
  measureplan docs plan.json --out plan.html`;

export function docs(argv: string[], io: IO): number {
  const { values, positionals } = parse(argv, { out: { type: 'string' }, format: { type: 'string' } }, 'docs');
  const [file, ...extra] = positionals;
  if (!file) throw new UsageError('docs needs a plan file.', 'Example: measureplan docs plan.json --out plan.md');
  if (extra.length) throw new UsageError(`docs takes one plan file, not ${positionals.length}.`);
  const out = values.out as string | undefined;
  const format = choice(values.format, ['md', 'html'] as const, 'format', out && /\.html?$/i.test(out) ? 'html' : 'md');
  const report = checkFile(file);
  if (!report.valid) return refuse(report, io, 'docs', values['no-color'] === true);
  const doc = planDocument(report.plan!, file.replace(/\\/g, '/'));
  const text = format === 'html' ? renderHtml(doc) : renderMarkdown(doc);
  if (!out) { io.out.write(text); return 0; }
  write(out, text);
  io.out.write(`Wrote ${out} (${format === 'html' ? 'HTML' : 'Markdown'}) from ${file}.\n`);
  return 0;
}
