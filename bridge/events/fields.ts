/**
 * Strict readers for untrusted event JSON: each returns the field or throws EventError
 * with a sentence naming the source and the field.
 */
import { EventError } from './event-error.ts';

export type Json = Record<string, unknown>;

/** A map without a prototype: keys such as `__proto__` or `constructor` in untrusted JSON stay plain keys. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

export function asEvent(event: unknown, source: string): Json {
  if (!isObject(event)) throw new EventError(`${source} event must be a JSON object, got ${describe(event)}.`);
  return event;
}

export function requireObject(obj: Json, key: string, where: string): Json {
  const value = obj[key];
  if (value === undefined || value === null) throw new EventError(`${where} has no \`${key}\`.`);
  if (!isObject(value)) throw new EventError(`${where}: \`${key}\` must be an object, got ${describe(value)}.`);
  return value;
}

/** null and absent both mean "none": API Gateway sends `null` for empty maps. */
export function optionalObject(obj: Json, key: string, where: string): Json | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new EventError(`${where}: \`${key}\` must be an object, got ${describe(value)}.`);
  return value;
}

export function requireString(obj: Json, key: string, where: string): string {
  const value = obj[key];
  if (value === undefined || value === null) throw new EventError(`${where} has no \`${key}\`.`);
  if (typeof value !== 'string') throw new EventError(`${where}: \`${key}\` must be a string, got ${describe(value)}.`);
  return value;
}

export function optionalString(obj: Json | undefined, key: string, where: string): string | undefined {
  const value = obj?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new EventError(`${where}: \`${key}\` must be a string, got ${describe(value)}.`);
  return value;
}

export function optionalBoolean(obj: Json, key: string, where: string): boolean {
  const value = obj[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new EventError(`${where}: \`${key}\` must be true or false, got ${describe(value)}.`);
  return value;
}

export function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new EventError(`${where} must be a list of strings, got ${describe(value)}.`);
  }
  return value as string[];
}
