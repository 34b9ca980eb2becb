import {
  Annotations,
  DefaultTokenResolver,
  IAspect,
  LocalBackend,
  StringConcat,
  TerraformBackend,
  TerraformLocal,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Tokenization,
} from 'cdktf';
import { IConstruct } from 'constructs';
import { PolicyLevel } from './level';
import { intentOf, PolicyRule, RuleOutcome } from './rule';
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

/** Options for {@link WorkspacePolicyChecks}. */
export interface WorkspacePolicyChecksProps {
  /**
   * The stack is production: its Terraform state must not live in a local backend (state holds
   * generated secrets and must be shared, locked and encrypted).
   * @default false
   */
  readonly production?: boolean;
}

/** The stack-level rule, listed with the resource rules. */
const STATE1: PolicyRuleInfo = {
  id: 'MLW-STATE1',
  level: PolicyLevel.ERROR,
  explanation: 'A stack marked production keeps its Terraform state in a local backend.',
  why: 'Local state is unshared, unlocked and unencrypted, and it holds generated secrets (tokens, keys).',
};

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
    return [
      ...ALL_RULES.map(({ id, level, explanation, why, checkovId }) => ({ id, level, explanation, why, checkovId })),
      STATE1,
    ];
  }

  private readonly production: boolean;
  private readonly byStack = new Map<TerraformStack, Map<string, Record<string, any>[]>>();
  private readonly localsByStack = new Map<TerraformStack, Map<string, string>>();
  private readonly sensitiveByStack = new Map<TerraformStack, Set<string>>();

  constructor(props: WorkspacePolicyChecksProps = {}) {
    this.production = props.production ?? false;
  }

  public visit(node: IConstruct): void {
    if (node instanceof TerraformStack) {
      this.checkBackend(node);
      return;
    }
    if (!(node instanceof TerraformResource)) return;
    const type = node.terraformResourceType;
    const config = Object.values<any>(resolveResource(node).resource?.[type] ?? {})[0] ?? {};
    const stack = TerraformStack.of(node);
    for (const rule of ALL_RULES) {
      const result = rule.check({
        type,
        config,
        address: `${type}.${node.friendlyUniqueId}`,
        intent: intentOf(node),
        resourcesOfType: (other) => this.resourcesOfType(stack, other),
        localValue: (name) => this.localValue(stack, name),
        sensitiveVariable: (name) => this.sensitiveVariables(stack).has(name),
      });
      if (result === RuleOutcome.NON_COMPLIANT) report(node, rule);
    }
  }

  private checkBackend(stack: TerraformStack): void {
    if (!this.production) return;
    const backend = stack.node.findAll().find((c): c is TerraformBackend => c instanceof TerraformBackend);
    if (!backend || backend instanceof LocalBackend) report(stack, STATE1);
  }

  /** The names of a stack's sensitive variables (computed once per stack). */
  private sensitiveVariables(stack: TerraformStack): Set<string> {
    let names = this.sensitiveByStack.get(stack);
    if (!names) {
      names = new Set(
        stack.node
          .findAll()
          .filter((c): c is TerraformVariable => c instanceof TerraformVariable)
          .filter((v) => (v.toTerraform() as any).variable?.[v.friendlyUniqueId]?.sensitive === true)
          .map((v) => v.friendlyUniqueId),
      );
      this.sensitiveByStack.set(stack, names);
    }
    return names;
  }

  /** A stack local's resolved expression, as text (locals are computed once per stack). */
  private localValue(stack: TerraformStack, name: string): string | undefined {
    let locals = this.localsByStack.get(stack);
    if (!locals) {
      locals = new Map();
      for (const local of stack.node.findAll().filter((c): c is TerraformLocal => c instanceof TerraformLocal)) {
        for (const [key, value] of Object.entries<any>(resolveElement(local).locals ?? {})) {
          locals.set(key, typeof value === 'string' ? value : JSON.stringify(value));
        }
      }
      this.localsByStack.set(stack, locals);
    }
    return locals.get(name);
  }

  /** Resolved configurations of a stack's resources of one type, computed once per stack. */
  private resourcesOfType(stack: TerraformStack, type: string): Record<string, any>[] {
    let index = this.byStack.get(stack);
    if (!index) {
      index = new Map();
      for (const r of stack.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource)) {
        const configs = index.get(r.terraformResourceType) ?? [];
        configs.push(...Object.values<any>(resolveResource(r).resource?.[r.terraformResourceType] ?? {}));
        index.set(r.terraformResourceType, configs);
      }
      this.byStack.set(stack, index);
    }
    return index.get(type) ?? [];
  }
}

function resolveResource(node: TerraformResource): any {
  return resolveElement(node);
}

function resolveElement(node: TerraformResource | TerraformLocal): any {
  return Tokenization.resolve(node.toTerraform(), {
    scope: node,
    resolver: new DefaultTokenResolver(new StringConcat()),
    preparing: false,
  });
}

function report(node: IConstruct, rule: Pick<PolicyRule, 'id' | 'level' | 'explanation' | 'checkovId'>): void {
  if (PolicySuppressions.isSuppressed(node, rule.id)) return;
  const message = `[${rule.id}] ${rule.explanation}${rule.checkovId ? ` (checkov: ${rule.checkovId})` : ''}`;
  if (rule.level === PolicyLevel.ERROR) Annotations.of(node).addError(message);
  else Annotations.of(node).addWarning(message);
}
