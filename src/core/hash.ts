/**
 * FNV-1a over the text, 32 bits, unsigned; `base` and `prime` give a second, independent lane.
 * One loop for the event ids' and dedupe keys' hash64, the linker's check and the experiments'
 * buckets, which each carried a copy of it.
 */
export function fnv(s: string, base = 0x811c9dc5, prime = 0x01000193): number {
  let h = base;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), prime);
  return h >>> 0;
}
