export { parsePlan } from './parse';
export { definePlan } from './define';
export type { ConversionName, ConversionProps, Item, PropertyValue, TrackArgs } from './define';
export type * from './types';
