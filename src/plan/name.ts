/**
 * Names in a plan: identifiers that every destination accepts. (A module of its own so that the
 * broken-plan words can use them without pulling in the core's vocabulary.)
 */
export const NAME = /^[a-z][a-z0-9_]{0,39}$/;
/**
 * Property names, minus "constructor": it is every JavaScript object's inherited key, so an
 * optional property of that name would read Object's function when left out, and TypeScript
 * rejects every call that leaves it out.
 */
export const PROPERTY_NAME = /^(?!constructor$)[a-z][a-z0-9_]{0,39}$/;
