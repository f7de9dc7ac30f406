/**
 * Reads a request body within a byte limit, gunzipping `Content-Encoding: gzip` as it arrives,
 * so neither a huge body nor a small gzip bomb is ever held in memory beyond the limit.
 */
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';

export class BodyError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Room for gzip's own bytes (header, trailer, block overhead) on top of the unzipped limit. */
const GZIP_SLACK = 16 * 1024;

export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((ok, fail) => {
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== '') {
      req.resume();
      fail(new BodyError(415, `Content-Encoding "${encoding}" is not supported (gzip is)`));
      return;
    }
    // gzip never makes a body of `limit` bytes much larger (a few bytes per 64 KB block), so
    // compressed bytes beyond this are no body we could take: empty gzip members or padding that
    // would otherwise stream in, unbounded, until the request timeout.
    const wireLimit = encoding === 'gzip' ? limit + GZIP_SLACK : limit;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > wireLimit) {
      req.resume();
      fail(new BodyError(413, 'Request size exceeds max limit'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (e?: Error) => {
      if (done) return;
      done = true;
      if (e) { req.resume(); fail(e); } else ok(Buffer.concat(chunks, size).toString('utf8'));
    };
    const source = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
    source.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        finish(new BodyError(413, 'Request size exceeds max limit'));
        if (source !== req) (source as ReturnType<typeof createGunzip>).destroy();
        return;
      }
      chunks.push(c);
    });
    source.on('end', () => finish());
    source.on('error', (e: Error) => finish(encoding === 'gzip' && source !== req ? new BodyError(400, `the gzip body cannot be read: ${e.message}`) : new BodyError(500, 'Failed to read body from request')));
    if (source !== req) {
      let wire = 0;
      req.on('data', (c: Buffer) => {
        wire += c.length;
        if (wire > wireLimit && !done) {
          finish(new BodyError(413, 'Request size exceeds max limit'));
          (source as ReturnType<typeof createGunzip>).destroy();
        }
      });
      req.on('error', () => finish(new BodyError(500, 'Failed to read body from request')));
    }
  });
}
