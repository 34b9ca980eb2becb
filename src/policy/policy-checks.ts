import { Annotations, DefaultTokenResolver, IAspect, StringConcat, TerraformResource, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { PolicyLevel } from './level';
import { RuleOutcome } from './rule';
import { ALL_RULES } from './rules';
import { PolicySuppressions } from './suppressions';

/** A rule as listed in RULES.md. */
export interface PolicyRuleInfo {
  /** Rule id, e.g. `MLW-NET1`. */
  readonly id: string;
  /** Error or warning. */
  readonly level: PolicyLevel;
  /** What is wrong when it fails. */
  readonly explanation: string;
  /** Why it matters. */
  readonly why: string;
  /**
   * The matching checkov check ids.
   * @default - none
   */
  readonly checkovId?: string;
}

/**
 * The library's security rules as a cdktf Aspect, in the style of cdk-nag:
 * `Aspects.of(stack).add(new WorkspacePolicyChecks())` (cdktf applies Aspects from the stack
 * down, so add it to each stack). Each finding is an error or warning annotation on the
 * resource, `[MLW-NET1] <explanation> (checkov: CKV_GCP_106)`; errors fail synthesis.
 * Suppress a finding per resource with {@link PolicySuppressions.add}.
 */
export class WorkspacePolicyChecks implements IAspect {
  /** Every rule this Aspect applies. */
  public static rules(): PolicyRuleInfo[] {
    return ALL_RULES.map(({ id, level, explanation, why, checkovId }) => ({ id, level, explanation, why, checkovId }));
  }

  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource)) return;
    const resolved = Tokenization.resolve(node.toTerraform(), {
      scope: node,
      resolver: new DefaultTokenResolver(new StringConcat()),
      preparing: false,
    });
    const byName: Record<string, any> = resolved.resource?.[node.terraformResourceType] ?? {};
    const config = Object.values(byName)[0] ?? {};
    for (const rule of ALL_RULES) {
      if (rule.check({ type: node.terraformResourceType, config }) !== RuleOutcome.NON_COMPLIANT) continue;
      if (PolicySuppressions.isSuppressed(node, rule.id)) continue;
      const message = `[${rule.id}] ${rule.explanation}${rule.checkovId ? ` (checkov: ${rule.checkovId})` : ''}`;
      if (rule.level === PolicyLevel.ERROR) Annotations.of(node).addError(message);
      else Annotations.of(node).addWarning(message);
    }
  }
}
