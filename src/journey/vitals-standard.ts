/** Page experience with the standard web-vitals build: values and ratings, no attribution. */
import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';
import { createVitals } from './vitals';

export const { startVitals } = /* @__PURE__ */ createVitals({ onCLS, onFCP, onINP, onLCP, onTTFB });
