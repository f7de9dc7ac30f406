/**
 * `measureplan validate <plan.json> [more.json …]`: checks each plan and explains every
 * problem with its file, line, column, JSON path, message and hint; also shows warnings about
 * legal but doubtful plans. Exit 0 when every plan is valid (warnings or not), 1 when one is not.
 */
import { choice, parse } from './args';
import { checkText, readPlanFile } from './check';
import { colours, UsageError, type IO } from './io';
import { fileLine, formatFindings, summarise, summaryLine, toJson } from './report';

export const validateHelp = `Usage: measureplan validate <plan.json> [more.json …] [options]

Checks measurement plans the way the tracker will, and explains every problem with its
file, line and column, JSON path, a message and a hint. Also warns about plans that are
legal but doubtful (a micro conversion that supports no goal, a goal without a value,
a conversion sent nowhere, a destination that receives nothing, a placeholder id, funnel
steps in an odd order or under a name GA4's ecommerce reports do not know, an experiment
without a goal, abandonment tracked as a conversion that goes nowhere).

Options:
  --format text|json   text for people (default), json for scripts and CI
  --no-color           plain text even in a terminal (so does NO_COLOR=1)
  -h, --help           this help

Exit codes: 0 every plan is valid (warnings do not count), 1 a plan has problems,
2 usage error (unknown option, no file given, a file that cannot be read).

Examples:
  measureplan validate plan.json
  measureplan validate plans/*.json --format json > report.json`;

export function validate(argv: string[], io: IO): number {
  const { values, positionals } = parse(argv, { format: { type: 'string' } }, 'validate');
  const format = choice(values.format, ['text', 'json'] as const, 'format', 'text');
  if (!positionals.length) throw new UsageError('validate needs at least one plan file.', 'Example: measureplan validate plan.json');
  // Read every file first: a missing file is a usage error, reported before any result.
  const texts = positionals.map((file) => [file, readPlanFile(file)] as const);
  const reports = texts.map(([file, text]) => checkText(file, text));
  const summary = summarise(reports);
  if (format === 'json') {
    io.out.write(toJson(reports));
  } else {
    const c = colours(io.out, values['no-color'] === true);
    for (const r of reports) io.out.write(formatFindings(r, c));
    for (const r of reports) io.out.write(fileLine(r, c));
    const line = summaryLine(summary);
    io.out.write(`\n${summary.invalid ? c.red(line) : summary.warnings ? c.yellow(line) : c.green(line)}\n`);
  }
  return summary.invalid ? 1 : 0;
}
