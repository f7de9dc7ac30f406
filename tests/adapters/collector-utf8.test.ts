import { describe, expect, it } from 'vitest';
import { utf8 } from '../../adapters/collector/queue';

describe('the collector counts bytes as UTF-8, without encoding', () => {
  it.each(['', 'purchase', '€ 2 499', 'Tind 3L – skalljakke, blå', '日本語', '😀 and 🏔️', '\ud800 lone high', 'lone low \udc00', 'high at the end \ud83d'])(
    'agrees with TextEncoder for %j', (s) => {
      expect(utf8(s)).toBe(new TextEncoder().encode(s).length);
    },
  );
});
