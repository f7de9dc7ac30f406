import type { PlanInput, PropertySpec } from './types';

/** One product in an `items` property, in GA4's item vocabulary. */
export interface Item {
  item_id: string;
  item_name?: string;
  price?: number;
  quantity?: number;
  item_category?: string;
}

/** The TypeScript type of one property spec: its enum values, or the type it names. */
export type PropertyValue<S> =
  S extends { enum: readonly (infer E)[] } ? E
  : S extends { type: 'string' } ? string
  : S extends { type: 'number' | 'integer' } ? number
  : S extends { type: 'boolean' } ? boolean
  : S extends { type: 'items' } ? Item[]
  : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type PropsOf<Q> = Simplify<
  { -readonly [K in keyof Q as Q[K] extends { optional: true } ? never : K]: PropertyValue<Q[K]> } &
  { -readonly [K in keyof Q as Q[K] extends { optional: true } ? K : never]?: PropertyValue<Q[K]> | undefined }
>;

/** Names of the conversions a plan declares (any string for a plan known only at run time). */
export type ConversionName<P extends PlanInput> = keyof P['conversions'] & string;

/**
 * What a conversion without `properties` takes: nothing. Named so that the compiler's message for
 * `track('signup', { foo: 1 })` says so ("not assignable to type 'ThisConversionTakesNoProperties'").
 */
export interface ThisConversionTakesNoProperties { 'the plan declares no properties for this conversion': never }

type PropsFor<P extends PlanInput, N extends string> =
  P['conversions'][N] extends { properties: infer Q } ? PropsOf<Q> : { readonly [property: string]: ThisConversionTakesNoProperties };
type Every<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * The properties `track(name, …)` takes for one conversion of a plan. A name that may be one of
 * several (`placed ? 'purchase' : 'view_item'`) takes what fits every one of them: the properties
 * both have in common accepted one conversion's required ones missing (typescale QA 2026-12-07).
 * Every name at once is also what the compiler tries after a name that is not in the plan: that
 * keeps the looser type, so its message stays "'purchse' is not assignable to 'purchase' | …"
 * rather than a count of arguments.
 */
export type ConversionProps<P extends PlanInput, N extends string> =
  string extends ConversionName<P> ? Record<string, unknown>
  : [ConversionName<P>] extends [N] ? PropsFor<P, N>
  : Every<N extends unknown ? PropsFor<P, N> : never>;

/** `track`'s arguments after the name: optional when the conversion needs no property. */
export type TrackArgs<P extends PlanInput, N extends string> =
  {} extends ConversionProps<P, N> ? [properties?: ConversionProps<P, N>] : [properties: ConversionProps<P, N>];

/** The type a misspelled or unknown field of a `definePlan` literal gets, so the compiler's message names the mistake. */
export interface UnknownPlanField { 'this field is not part of the plan: check its spelling': never }

/** Keys of any member of a union (a trigger is one of several shapes). */
type AnyKey<S> = S extends unknown ? keyof S : never;
/** The type a key has in whichever union member declares it. */
type FieldOf<S, K extends PropertyKey> = S extends unknown ? (K extends keyof S ? S[K] : never) : never;

/**
 * `T` with every field that `Shape` does not declare turned into `UnknownPlanField`, at any depth:
 * TypeScript checks excess fields of an object literal, but not of one inferred as a type parameter.
 */
export type KnownFields<T, Shape> =
  T extends readonly (infer E)[] ? { readonly [I in keyof T]: KnownFields<E, Shape extends readonly (infer S)[] ? S : never> }
  : T extends object ? { [K in keyof T]: K extends AnyKey<Shape> ? KnownFields<T[K], NonNullable<FieldOf<Shape, K>>> : UnknownPlanField }
  : T;

type Names<P extends PlanInput> = keyof P['conversions'] & string;

/** What a reference to something the plan does not have gets, so the compiler's message names the mistake. */
export interface NotAConversionOfThePlan { 'this is not a conversion of the plan': never }
export interface NotAPropertyOfTheConversion { 'this is not a property of the conversion': never }
export interface NotAConfiguredDestination { "this destination is not in the plan's destinations": never }

/** `unknown` when V is allowed, else the error type (intersected with V, it fails only there). */
type Ok<V, Allowed, Err> = [V] extends [Allowed] ? unknown : Err;
type Each<T, Allowed, Err> = T extends readonly unknown[] ? { readonly [I in keyof T]: Ok<T[I], Allowed, Err> } : unknown;
/** `{ [key]: check }` when the object has the key, else nothing to check. */
type If<T, K extends PropertyKey, Check> = T extends { readonly [k in K]: unknown } ? { [k in K]: Check } : unknown;

type ConversionRefs<P extends PlanInput, C> =
  If<C, 'supports', Each<FieldOf<C, 'supports'>, Names<P>, NotAConversionOfThePlan>>
  & If<C, 'value', Ok<FieldOf<C, 'value'>, number | (C extends { properties: infer Q } ? keyof Q : never), NotAPropertyOfTheConversion>>
  & If<C, 'send', { [D in keyof FieldOf<C, 'send'>]: Ok<D, keyof P['destinations'], NotAConfiguredDestination> }>;

type FunnelRefs<P extends PlanInput, F> = F extends readonly unknown[] ? Each<F, Names<P>, NotAConversionOfThePlan> : If<F, 'steps', Each<FieldOf<F, 'steps'>, Names<P>, NotAConversionOfThePlan>>;
type NameRefs<P extends PlanInput, T, K extends PropertyKey> = { [k in K & keyof T]: Ok<T[k], Names<P>, NotAConversionOfThePlan> };

/**
 * The references inside a plan, as the run-time check holds them: `supports`, funnel steps,
 * experiment goals and abandonment name conversions of the plan; `value` names one of the
 * conversion's properties; `send` names a destination the plan configures. A typo there is a
 * compile error at the typo, not a plan that tracks nothing at run time.
 */
export type KnownRefs<P extends PlanInput> =
  { conversions: { [K in keyof P['conversions']]: ConversionRefs<P, P['conversions'][K]> } }
  & If<P, 'funnels', { [F in keyof P['funnels']]: FunnelRefs<P, P['funnels'][F]> }>
  & If<P, 'experiments', { [E in keyof P['experiments']]: NameRefs<P, P['experiments'][E], 'goal'> }>
  & If<P, 'abandonment', If<P['abandonment'], 'cart', NameRefs<P, FieldOf<P['abandonment'], 'cart'>, 'add' | 'remove' | 'complete' | 'conversion'>>
    & If<P['abandonment'], 'browse', NameRefs<P, FieldOf<P['abandonment'], 'browse'>, 'view' | 'conversion'> & If<FieldOf<P['abandonment'], 'browse'>, 'cancel', Each<FieldOf<FieldOf<P['abandonment'], 'browse'>, 'cancel'>, Names<P>, NotAConversionOfThePlan>>>>;

/**
 * Declares a measurement plan in TypeScript. The plan is kept as a literal type, so a tracker
 * built from it checks every `track()` call at compile time: an unknown conversion name, a
 * missing required property, a wrong type or a value outside an `enum` is a compile error, and so
 * is a reference to a conversion, property or destination the plan does not have.
 * At run time it returns the plan unchanged; `createTracker` still validates it.
 */
export function definePlan<const P extends PlanInput>(plan: P & KnownFields<P, PlanInput> & KnownRefs<P>): P {
  return plan;
}

export type { PropertySpec };
