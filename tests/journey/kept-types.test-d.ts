import { expectTypeOf, test } from 'vitest';
import { kept, type Kept } from '../../src/journey/kept';

interface Basket { items: string[]; at: number }
const add = (b: Basket, items: string[], t: number): Basket => { b.items.push(...items); b.at = t; return b; };

test('Kept.update needs the arguments its operation takes', () => {
  expectTypeOf(kept).toBeFunction();
  const k = {} as Kept<Basket>;
  // @ts-expect-error add needs its items and time: HEAD compiles this, and add() throws on `undefined` items at runtime
  k.update(add);
  // @ts-expect-error likewise with one of the two
  k.update(add, ['SKU-1']);
  k.update(add, ['SKU-1'], 1); // fine
  k.update((b) => b); // fine
});
