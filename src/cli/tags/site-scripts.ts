/**
 * The site's own script files its pages load (`<script src="/js/tracking.js">`): hand-pasted
 * tracking often moved into one. Read as text like the pages, never run. A page's address
 * resolves them, on its own origin only (the vendors' files are theirs, not the site's calls); a
 * saved page resolves a relative path beside it. What cannot be read is said, and the draft goes
 * on without it.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readPage } from './page';

export interface ScriptFile {
  /** How the findings name it: the file name, or the whole address when two share one. */
  name: string;
  text: string;
}
export interface NotRead { src: string; why: string }

/** At most this many files, of at most MAX_BYTES each: a page with hundreds of bundles is read in its own scripts only. */
export const MAX_FILES = 20;
const MAX_BYTES = 2_000_000;
const TIMEOUT_MS = 10_000;
const isUrl = (s: string) => /^https?:\/\//i.test(s);
/** A src that names another host or scheme (`https://…`, `//cdn…`, `data:`), for a saved page. */
const ABSOLUTE = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

export async function siteScripts(pages: { source: string; html: string }[]): Promise<{ files: ScriptFile[]; notRead: NotRead[] }> {
  const wanted = new Map<string, string>(); // where → the src as written
  const notRead: NotRead[] = [];
  for (const { source, html } of pages) {
    for (const { src } of readPage(html).sources) {
      const where = resolve(source, src.trim());
      if (where === undefined || wanted.has(where)) continue;
      if (where === '') { if (!notRead.some((n) => n.src === src)) notRead.push({ src, why: 'a saved page cannot tell where a site-absolute address points: pass the page\'s http(s):// address' }); continue; }
      wanted.set(where, src);
    }
  }
  const list = [...wanted];
  for (const [, src] of list.slice(MAX_FILES)) notRead.push({ src, why: `only the first ${MAX_FILES} script files are read` });
  const read = await Promise.all(list.slice(0, MAX_FILES).map(async ([where, src]) => {
    try { return { where, text: await load(where) }; } catch (e) { notRead.push({ src, why: trouble(e) }); return undefined; }
  }));
  // One file under several addresses (`app.js?v=1` and `?v=2`) is read once.
  const got = read.filter((r, i): r is { where: string; text: string } => !!r && read.findIndex((o) => o?.text === r.text) === i);
  const short = got.map((r) => basename(isUrl(r.where) ? new URL(r.where).pathname : r.where));
  const unique = new Set(short).size === short.length;
  return { files: got.map((r, i) => ({ name: unique ? short[i]! : r.where, text: r.text })), notRead };
}

/** Where a src of `page` points: a same-origin address or a local file; undefined to leave it; '' when it cannot be told. */
function resolve(page: string, src: string): string | undefined {
  if (!src || /^(data|blob|javascript):/i.test(src)) return undefined;
  if (isUrl(page)) {
    try {
      const u = new URL(src, page);
      if (u.origin !== new URL(page).origin) return undefined;
      u.hash = '';
      return u.href;
    } catch { return undefined; }
  }
  if (ABSOLUTE.test(src)) return undefined;
  if (src.startsWith('/')) return '';
  const path = src.replace(/[?#].*$/, '');
  try { return join(dirname(page), decodeURIComponent(path)); } catch { return join(dirname(page), path); } // a stray % is a file name's
}

async function load(where: string): Promise<string> {
  if (!isUrl(where)) {
    // Only a regular file: a FIFO or a device (`../../dev/zero`) would never end.
    const stat = statSync(where);
    if (!stat.isFile()) throw new Error(stat.isDirectory() ? 'a folder, not a file' : 'not a regular file');
    if (stat.size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES / 1e6} MB`);
    return readFileSync(where, 'utf8');
  }
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  const origin = new URL(where).origin;
  let response: Response;
  // Redirects are followed by hand: one to another host is that host's file, never fetched.
  for (let hops = 0; ; hops++) {
    response = await fetch(where, { signal, redirect: 'manual' });
    const to = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !to) break;
    await response.body?.cancel();
    where = new URL(to, where).href;
    if (new URL(where).origin !== origin) throw new Error(`moved to another host (${where})`);
    if (hops === 5) throw new Error('too many redirects');
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  // A site that answers every address with its page (a single-page app) sent no script.
  const page = new Error('the server answered with a page (HTML), not a script');
  if (/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) { await response.body?.cancel(); throw page; }
  const text = await body(response);
  if (/^\s*<(!doctype html|html)\b/i.test(text)) throw page;
  return text;
}

/** The body as text, read no further than MAX_BYTES: a bigger one is not buffered whole. */
async function body(response: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!response.body) return '';
  const reader = response.body.getReader();
  for (let r; !(r = await reader.read()).done; ) {
    size += r.value.byteLength;
    if (size > MAX_BYTES) { await reader.cancel(); throw new Error(`larger than ${MAX_BYTES / 1e6} MB`); }
    chunks.push(r.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function trouble(e: unknown): string {
  const err = e as Error & { code?: string; cause?: { code?: string } };
  if (err.code === 'ENOENT') return 'not beside the saved page (save the page with its files, or pass its http(s):// address)';
  if (err.code === 'ELOOP') return 'a symbolic link that leads back to itself';
  if (err.code === 'EACCES') return 'not allowed to read it';
  if (err.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return err.cause?.code ?? err.code ?? err.message;
}
