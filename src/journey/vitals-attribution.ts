/** Page experience with web-vitals' attribution build: a value also names the element that caused it (`target`). */
import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals/attribution';
import { createVitals } from './vitals';

export const { startVitals } = /* @__PURE__ */ createVitals({ onCLS, onFCP, onINP, onLCP, onTTFB });
