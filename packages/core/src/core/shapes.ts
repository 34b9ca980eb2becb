import { describe } from './validation';
import { usageError } from './errors';

/**
 * The JavaScript type a prop must have. TypeScript and the jsii bindings check types for
 * their callers, but plain JavaScript (and a value cast through `any`) can pass anything; the
 * constructs check each prop's type first, so a wrong one gets the library's error rather than
 * a `TypeError` deep inside, or a quiet `false` where a string belongs.
 *
 * @internal
 */
export type Shape =
  | 'string'
  | 'number'
  | 'boolean'
  | 'string[]'
  | 'string map'
  // eslint-disable-next-line @typescript-eslint/ban-types
  | { readonly instanceOf: Function; readonly example: string };

const EXPECTED: Record<Exclude<Shape, object>, string> = {
  'string': 'a string',
  'number': 'a number',
  'boolean': 'true or false',
  'string[]': 'a list of strings',
  'string map': 'an object of string values',
};

function fits(value: unknown, shape: Shape): boolean {
  switch (shape) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'string map':
      // A plain object only: a Map, a Date or a class instance would lose its entries.
      return isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string');
    default:
      return value instanceof shape.instanceOf;
  }
}

/**
 * Throws `<where>: <prefix><key> <value> must be <shape>` for the first value present (not
 * `undefined`) whose type is wrong; `null` is a wrong type everywhere.
 *
 * @internal
 */
export function checkShapes(where: string, values: Record<string, unknown>, shapes: Record<string, Shape>, prefix = ''): void {
  for (const [key, shape] of Object.entries(shapes)) {
    const value = values[key];
    if (value === undefined || fits(value, shape)) continue;
    const expected = typeof shape === 'object' ? `made with ${shape.example}` : EXPECTED[shape];
    throw usageError(`${where}: ${prefix}${key} ${describeShape(value)} must be ${expected}`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describeShape(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'function' ? 'a function' : describe(v))).join(', ')}]`;
  if (typeof value === 'object' && value !== null && value.constructor !== Object) return `a ${value.constructor?.name ?? 'object'}`;
  return describe(value);
}

/**
 * Throws `<factory>: options <value> must be an object: <example>` unless `options` is an
 * object, then checks its values' shapes.
 *
 * @internal
 */
export function requireShapes(factory: string, options: unknown, example: string, shapes: Record<string, Shape>, required: string[] = []): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw usageError(`${factory}: options ${describe(options)} must be an object: ${example}`);
  }
  for (const key of required) {
    if ((options as Record<string, unknown>)[key] === undefined) throw usageError(`${factory}: ${key} is required: ${example}`);
  }
  checkShapes(factory, options as Record<string, unknown>, shapes);
}
