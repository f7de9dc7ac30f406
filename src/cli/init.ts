/**
 * `measureplan init [--template webshop|leadgen | --from <page|URL>…] [--out plan.json] [--force]`:
 * writes a starter plan that validates, or drafts one from the tags a site already has, to edit
 * from there. Never overwrites a file unless told to.
 */
import { existsSync, statSync } from 'node:fs';
import { choice, parse } from './args';
import { write } from './output';
import { colours, UsageError, type IO } from './io';
import { initFrom } from './init-from';
import { TEMPLATES, type TemplateName } from './templates';
import { count } from './words';

export const initHelp = `Usage: measureplan init [--template webshop|leadgen] [--out plan.json] [--force]
       measureplan init --from <page.html|URL|container.json> [--from …] [--out plan.json] [--force]

Writes a starter measurement plan that validates: a webshop (purchase, add to cart,
checkout, newsletter; GA4, Google Ads, Meta, collector) or lead generation (demo
request, pricing page, whitepaper, contact click; GA4, Google Ads, LinkedIn,
collector). The vendor ids are placeholders: "measureplan validate" warns until you
replace each one with yours.

With --from it drafts the plan from the vendor tags the site already has: the ids
and the gtag, fbq, lintrk, uetq and dataLayer calls in the pages' inline scripts,
onclick/onsubmit handlers and the site's own script files (read, never run). The same action across vendors becomes one conversion sent to
each of them; what the plan cannot hold is listed. Pass the pages that send events:
home, product, order confirmation. A Tag Manager container is read from its export
(Admin → Export container; any file whose content is one): its GA4, Google Ads,
Custom HTML and UET tags, with a plan trigger where its trigger is exact.

Options:
  --template webshop|leadgen   which starter plan (default: webshop)
  --from <file|URL>            a saved page, an http(s) address or a GTM container export;
                               repeat for more
  --out <file>                 where to write it (default: plan.json)
  --force                      overwrite the file if it exists
  --no-color                   plain text even in a terminal
  -h, --help                   this help

Exit codes: 0 written, 1 the file exists (use --force) or --from found nothing usable,
2 usage error (also: a page that cannot be read or fetched, an export that is not valid JSON).`;

export function init(argv: string[], io: IO): number | Promise<number> {
  const { values, positionals } = parse(argv, { template: { type: 'string' }, from: { type: 'string', multiple: true }, out: { type: 'string' }, force: { type: 'boolean' } }, 'init');
  if (positionals.length) throw new UsageError(`init takes no file argument (got "${positionals[0]}").`, `Use --out ${positionals[0]}${values.from ? '' : `, or --from ${positionals[0]} to draft a plan from a page's tags`}.`);
  const from = values.from as unknown as string[] | undefined;
  if (from && values.template !== undefined) throw new UsageError('--from and --template cannot be used together.', 'Use --from to draft a plan from your pages\' tags, or --template for a starter plan.');
  const name: TemplateName = choice(values.template, Object.keys(TEMPLATES) as TemplateName[], 'template', 'webshop');
  const out = (values.out as string | undefined) ?? 'plan.json';
  const c = colours(io.out, values['no-color'] === true);
  // A folder is no file to overwrite: --force would not help, so say what it is right away.
  if (isFolder(out)) throw new UsageError(`cannot write ${out}: it is a folder.`, 'Give --out a file path, such as plan.json.');
  if (existsSync(out) && !values.force) {
    io.err.write(`measureplan init: ${out} already exists; nothing was written.\nUse --force to overwrite it, or --out <file> to write somewhere else.\n`);
    return 1;
  }
  if (from) return initFrom(from, out, io, c);
  const plan = TEMPLATES[name];
  write(out, JSON.stringify(plan, null, 2) + '\n');
  io.out.write([
    `${c.green('✓')} Wrote ${out}: the ${name} starter plan (${count(Object.keys(plan.conversions).length, 'conversion')}).`,
    '',
    'Next:',
    `  1. Replace the placeholder ids in "destinations" (and the labels in "send") with yours.`,
    `  2. Adapt the conversions to your site: selectors, page paths, values.`,
    `  3. Check it:              npx measureplan validate ${out}`,
    `  4. Share it as a document: npx measureplan docs ${out} --out plan.html`,
    '',
  ].join('\n'));
  return 0;
}

function isFolder(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}
