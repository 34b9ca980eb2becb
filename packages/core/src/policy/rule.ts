import { IConstruct } from 'constructs';
import { PolicyLevel } from './level';

/** What a rule concluded about one resource. @internal */
export enum RuleOutcome {
  COMPLIANT = 'COMPLIANT',
  NON_COMPLIANT = 'NON_COMPLIANT',
  NOT_APPLICABLE = 'NOT_APPLICABLE',
}

/**
 * What the construct that made a resource meant, recorded with {@link recordIntent}, so a rule
 * can tell a deliberate choice (public access) from a mistake. @internal
 */
export interface ResourceIntent {
  /** The workspace was asked for public access. */
  readonly publicAccess?: boolean;
  /** The user asked for disks encrypted with this Cloud KMS key. */
  readonly kmsKeyName?: string;
}

/** A synthesized resource as rules see it. @internal */
export interface ResolvedResource {
  readonly type: string;
  readonly config: Record<string, any>;
  /** `<type>.<name>`, as other resources reference it. */
  readonly address?: string;
  readonly intent?: ResourceIntent;
  /** The resolved configurations of the stack's resources of a type (for cross-resource rules). */
  readonly resourcesOfType?: (type: string) => Record<string, any>[];
  /** The resolved expression of a stack local, by the name `local.<name>` references use. */
  readonly localValue?: (name: string) => string | undefined;
  /** Whether the stack's Terraform variable of that name is marked sensitive. */
  readonly sensitiveVariable?: (name: string) => boolean;
}

const INTENT = 'ml-workspace:intent';

/** Records what a construct meant for one of its resources. @internal */
export function recordIntent(resource: IConstruct, intent: ResourceIntent): void {
  resource.node.addMetadata(INTENT, intent);
}

/** The intent recorded on a resource. @internal */
export function intentOf(resource: IConstruct): ResourceIntent {
  return Object.assign({}, ...resource.node.metadata.filter((m) => m.type === INTENT).map((m) => m.data));
}

/** One policy rule: metadata and a pure check. @internal */
export interface PolicyRule {
  readonly id: string;
  readonly level: PolicyLevel;
  /** One line: what is wrong when the rule fails. */
  readonly explanation: string;
  /** Why it matters. */
  readonly why: string;
  /** The matching checkov check, when there is one. */
  readonly checkovId?: string;
  /**
   * The resource types the rule can apply to; any other type is NOT_APPLICABLE without being
   * resolved. A test checks it against every resource the tests and examples synthesize.
   */
  readonly appliesTo: (type: string) => boolean;
  readonly check: (resource: ResolvedResource) => RuleOutcome;
}

/** `appliesTo` for a fixed list of types. @internal */
export function oneOf(...types: string[]): (type: string) => boolean {
  const set = new Set(types);
  return (type) => set.has(type);
}

/** Helper for rules: compliant when `ok`, not applicable unless `applies`. @internal */
export function outcome(applies: boolean, ok: boolean): RuleOutcome {
  if (!applies) return RuleOutcome.NOT_APPLICABLE;
  return ok ? RuleOutcome.COMPLIANT : RuleOutcome.NON_COMPLIANT;
}
