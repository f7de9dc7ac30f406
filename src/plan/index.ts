export { parsePlan } from './parse';
export { definePlan } from './define';
export type { ConversionName, ConversionProps, Item, PropertyValue, ThisConversionTakesNoProperties, TrackArgs } from './define';
export type * from './types';
