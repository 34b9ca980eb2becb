import { PolicyLevel } from './level';

/** What a rule concluded about one resource. @internal */
export enum RuleOutcome {
  COMPLIANT = 'COMPLIANT',
  NON_COMPLIANT = 'NON_COMPLIANT',
  NOT_APPLICABLE = 'NOT_APPLICABLE',
}

/** A synthesized resource as rules see it: its Terraform type and resolved configuration. @internal */
export interface ResolvedResource {
  readonly type: string;
  readonly config: Record<string, any>;
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
  readonly check: (resource: ResolvedResource) => RuleOutcome;
}

/** Helper for rules: compliant when `ok`, not applicable unless `applies`. @internal */
export function outcome(applies: boolean, ok: boolean): RuleOutcome {
  if (!applies) return RuleOutcome.NOT_APPLICABLE;
  return ok ? RuleOutcome.COMPLIANT : RuleOutcome.NON_COMPLIANT;
}
