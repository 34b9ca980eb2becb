import { Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { usageError } from './errors';

/**
 * Builds the library's validation error: it names the construct, the prop, the value given,
 * what is wrong and how to fix it, e.g.
 * `GpuWorkspace 'alice': gpu 'nvidia-h200' is not offered on GCP; use Gpu.NVIDIA_H100_80GB`.
 *
 * @internal
 */
export function invalid(scope: IConstruct, kind: string, prop: string, value: unknown, problemAndFix: string): Error {
  return usageError(`${kind} '${scope.node.id}': ${prop} ${describe(value)} ${problemAndFix}`);
}

/** @internal */
export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return String(value);
  // NaN and the infinities as themselves (JSON would print null).
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** True when the value is known at synth time (not a Terraform token). @internal */
export function isKnown(value: unknown): boolean {
  return !Token.isUnresolved(value);
}

/** RFC 1035 label: what GCP resource names, DNS labels and most cloud names accept. @internal */
export const RFC1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Pattern of a full git commit id. @internal */
export const GIT_REV = /^[0-9a-f]{40}$/;
/** Pattern of an SRI sha256 NAR hash. @internal */
export const SRI_SHA256 = /^sha256-[A-Za-z0-9+/]{43}=$/;

/** Makes the library's validation error for a prop: `(prop, value, problemAndFix)`. @internal */
export type Fail = (prop: string, value: unknown, problemAndFix: string) => Error;

/** Whether two placement values are both known and differ (a token is taken on trust). @internal */
export function knownAndDifferent(a: string | undefined, b: string | undefined): boolean {
  return a !== b && (a === undefined || isKnown(a)) && (b === undefined || isKnown(b));
}
