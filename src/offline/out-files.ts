/**
 * The upload files one run may write: `--out` and its companions (`-ios`, `-leads` for Google
 * Ads; `-2`, `-3`, … for Meta's parts of 1,000 events and LinkedIn's of 5,000). Which of them an earlier run left behind,
 * and whether one of them is the orders file itself (writing it would destroy the export).
 */
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { Platform } from './match';

/** `offline-google-ads.csv` + `-leads` → `offline-google-ads-leads.csv`. */
export function withSuffix(file: string, suffix: string): string {
  if (!suffix) return file;
  const ext = extname(file);
  return ext ? `${file.slice(0, -ext.length)}${suffix}${ext}` : `${file}${suffix}`;
}

/** The companions every run of the platform may write (Meta's numbered parts are found on disk). */
const FIXED: Record<Platform, readonly string[]> = { 'google-ads': ['', '-ios', '-leads'], meta: [''], microsoft: [''], linkedin: [''] };
/** The platforms whose events go in numbered parts (Meta's 1,000 per request, LinkedIn's 5,000). */
const numbered = (platform: Platform) => platform === 'meta' || platform === 'linkedin';

/** Meta's (and LinkedIn's) parts `-2`, `-3`, … that exist on disk, up to the first one missing (a run writes them in a row). */
function metaParts(out: string): string[] {
  const parts: string[] = [];
  for (let n = 2; existsSync(withSuffix(out, `-${n}`)); n++) parts.push(withSuffix(out, `-${n}`));
  return parts;
}

/** The files on disk that this run could have written: the fixed companions, and Meta's parts. */
export function companionsOnDisk(out: string, platform: Platform): string[] {
  const fixed = FIXED[platform].map((s) => withSuffix(out, s)).filter((f) => existsSync(f));
  return numbered(platform) ? [...fixed, ...metaParts(out)] : fixed;
}

/** The same file: the same resolved path, or (a link, another spelling on a case-insensitive disk) the same inode. */
export function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The name among `--out` and its companions that is the orders file, if one is. */
export function overwritesOrders(out: string, ordersFile: string, platform: Platform): string | undefined {
  const names = [...FIXED[platform].map((s) => withSuffix(out, s))];
  if (numbered(platform)) {
    names.push(...metaParts(out));
    // A part this run may write though it is not on disk yet: `<out>-7.json` for any number from 2.
    const ext = extname(out);
    const stem = resolve(ext ? out.slice(0, -ext.length) : out);
    const n = new RegExp(`^${escape(stem)}-([2-9]|[1-9]\\d+)${escape(ext)}$`).exec(resolve(ordersFile))?.[1];
    if (n) names.push(withSuffix(out, `-${n}`));
  }
  return names.find((f) => sameFile(f, ordersFile));
}
