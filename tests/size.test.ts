import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

// The performance issue's budgets are 10 KB gzip for the script tag and 6 KB for createTracker
// with one adapter; they are not met yet (see docs/performance.md and `npm run size`). Until they
// are, this ratchet keeps the script tag from growing while the core is slimmed down: lower the
// number with every cut; raise it only for a capability an issue asks for, saying so in the commit
// (raises: exactly-once dedupe, +0.8 KB; journey signals — funnels, cart and browse abandonment,
// experiments, the vitals loader and their plan checks, then the same state replayed under consent —
// +3.5 KB; the adapter and collector gaps of their issues — UET event_value, GA4 reserved names,
// a byte-exact keepalive budget with a fetch fallback — +0.1 KB).
const RATCHET = 21.2 * 1024;

describe('size of the script tag (built by npm test before the tests run)', () => {
  it(`stays at or under the current ratchet of ${RATCHET / 1024} KB gzip -9`, () => {
    const gzip = gzipSync(readFileSync('dist/measureplan.iife.js'), { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(RATCHET);
  });

  it('keeps the debug panel and the broken-plan words out of it', () => {
    const code = readFileSync('dist/measureplan.iife.js', 'utf8');
    expect(code).not.toContain('Did you mean');
    expect(code).not.toContain('measureplan-debug{');
    expect(code).not.toMatch(/attachShadow/);
  });
});

describe('size of the page-experience files (web-vitals included; loaded only for plans with vitals)', () => {
  it.each([
    ['dist/measureplan.vitals.js', 4],
    ['dist/measureplan.vitals-attribution.js', 7],
  ])('%s stays within %i KB gzip -9', (file, kb) => {
    expect(gzipSync(readFileSync(file), { level: 9 }).length).toBeLessThanOrEqual(kb * 1024);
  });

  it('keeps web-vitals out of the script tag', () => {
    const code = readFileSync('dist/measureplan.iife.js', 'utf8');
    expect(code).not.toContain('largestShiftTarget');
    expect(code).not.toContain('layout-shift');
  });
});
