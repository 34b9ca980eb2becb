import {
  Annotations,
  DefaultTokenResolver,
  IAspect,
  StringConcat,
  TerraformBackend,
  TerraformLocal,
  TerraformRemoteState,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Tokenization,
} from 'cdktf';
import { IConstruct } from 'constructs';
import { describe } from '../core/validation';
import { PolicyLevel } from './level';
import { intentOf, PolicyRule, RuleOutcome } from './rule';
import { ALL_RULES } from './rules';
import { STATE1, STATE_RULES } from './state-rules';
import { PolicySuppressions } from './suppressions';
import { usageError } from '../core/errors';

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
  /**
   * The level for a stack the checks are told is production.
   * @default - the same as `level`
   */
  readonly productionLevel?: PolicyLevel;
}

/** Options for {@link WorkspacePolicyChecks}. */
export interface WorkspacePolicyChecksProps {
  /**
   * The stack is production: local state (MLW-STATE1), a state backend that does not ask for
   * encryption at rest (MLW-STATE3) or does not lock (MLW-STATE4) are errors, not warnings. State holds generated secrets
   * and must be shared, locked and encrypted.
   * @default false
   */
  readonly production?: boolean;
  /**
   * Local Terraform state is a deliberate choice here (a throwaway sandbox): MLW-STATE1 is not
   * reported. Refused together with `production`. Only `true` counts.
   * @default false
   */
  readonly allowLocalState?: boolean;
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
    return [
      ...ALL_RULES.map(({ id, level, explanation, why, checkovId }) => ({ id, level, explanation, why, checkovId })),
      ...STATE_RULES.map(({ id, level, productionLevel, explanation, why }) => ({ id, level, productionLevel, explanation, why })),
    ];
  }

  private readonly production: boolean;
  private readonly rulesByType = new Map<string, PolicyRule[]>();
  private readonly allowLocalState: boolean;
  private readonly byStack = new Map<TerraformStack, { nodes: Map<string, TerraformResource[]>; resolved: Map<string, Record<string, any>[]> }>();
  private readonly localsByStack = new Map<TerraformStack, Map<string, string>>();
  private readonly sensitiveByStack = new Map<TerraformStack, Set<string>>();

  constructor(props: WorkspacePolicyChecksProps = {}) {
    if (props === null || typeof props !== 'object') {
      throw usageError(`WorkspacePolicyChecks: props ${describe(props)} are not an object; pass e.g. { production: true }`);
    }
    for (const key of ['production', 'allowLocalState'] as const) {
      const value = props[key];
      if (value !== undefined && typeof value !== 'boolean') {
        throw usageError(`WorkspacePolicyChecks: ${key} ${describe(value)} is not a boolean; pass true or false`);
      }
    }
    this.production = props.production === true;
    this.allowLocalState = props.allowLocalState === true;
    if (this.production && this.allowLocalState) {
      throw usageError(
        'WorkspacePolicyChecks: allowLocalState cannot be combined with production: a production stack keeps its state in a remote, locked, encrypted backend (GcsBackend, S3Backend with encrypt and use_lockfile, AzurermBackend, CloudBackend)',
      );
    }
  }

  public visit(node: IConstruct): void {
    if (node instanceof TerraformStack) {
      this.checkBackend(node);
      // A mark in the stack's comment block (Terraform reads no `//` key): the summary CLI
      // tells a stack the checks ran on, and found nothing, from one they never saw.
      node.addOverride('//.ml-workspace.policyChecks', this.production ? 'production' : 'default');
      return;
    }
    if (!(node instanceof TerraformResource)) return;
    const type = node.terraformResourceType;
    // Only the rules for this type run, and a type no rule reads is not resolved at all.
    let rules = this.rulesByType.get(type);
    if (!rules) {
      rules = ALL_RULES.filter((r) => r.appliesTo(type));
      this.rulesByType.set(type, rules);
    }
    if (rules.length === 0) return;
    const config = Object.values<any>(resolveElement(node).resource?.[type] ?? {})[0] ?? {};
    const stack = TerraformStack.of(node);
    for (const rule of rules) {
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
    const { terraform, remoteStates } = stateSettings(stack);
    for (const rule of STATE_RULES) {
      if (rule === STATE1 && this.allowLocalState) continue;
      const problems = rule.check({ terraform, remoteStates });
      if (problems.length === 0) continue;
      const level = this.production ? rule.productionLevel : rule.level;
      const message = `[${rule.id}] ${rule.explanation} Found: ${problems.join('; ')}.`;
      if (level === PolicyLevel.ERROR) Annotations.of(stack).addError(message);
      else Annotations.of(stack).addWarning(message);
    }
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

  /**
   * Resolved configurations of a stack's resources of one type. The stack is grouped by type
   * once (no resolution); a type is resolved the first time a rule asks for it, and only the
   * few types cross-resource rules read are ever resolved here.
   */
  private resourcesOfType(stack: TerraformStack, type: string): Record<string, any>[] {
    let index = this.byStack.get(stack);
    if (!index) {
      index = { nodes: new Map(), resolved: new Map() };
      for (const r of stack.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource)) {
        const nodes = index.nodes.get(r.terraformResourceType) ?? [];
        nodes.push(r);
        index.nodes.set(r.terraformResourceType, nodes);
      }
      this.byStack.set(stack, index);
    }
    let configs = index.resolved.get(type);
    if (!configs) {
      configs = (index.nodes.get(type) ?? []).flatMap((r) => Object.values<any>(resolveElement(r).resource?.[type] ?? {}));
      index.resolved.set(type, configs);
    }
    return configs;
  }
}

/**
 * cdktf's merge of overrides: objects merge key by key, lists are appended, and `undefined`
 * deletes the key (`addOverride('terraform.backend', undefined)` removes the backend).
 */
function mergeOverrides(into: Record<string, any>, from: Record<string, any>): void {
  for (const [key, value] of Object.entries(from ?? {})) {
    if (value === undefined) delete into[key];
    else if (Array.isArray(value)) into[key] = Array.isArray(into[key]) ? [...into[key], ...value] : value;
    else if (typeof value === 'object' && value !== null && !Tokenization.isResolvable(value)) {
      if (typeof into[key] !== 'object' || into[key] === null) into[key] = {};
      mergeOverrides(into[key], value);
    } else into[key] = value;
  }
}

/**
 * The stack's `terraform` block as it will be synthesized (its backends, then the stack's own
 * overrides, merged as cdktf merges them), and the backends its `terraform_remote_state` data
 * sources read state from.
 */
function stateSettings(stack: TerraformStack): { terraform: Record<string, any>; remoteStates: Record<string, any>[] } {
  const block: Record<string, any> = {};
  const remoteStates: Record<string, any>[] = [];
  for (const c of stack.node.findAll()) {
    if (TerraformBackend.isBackend(c)) mergeOverrides(block, resolveElement(c).terraform ?? {});
    else if (c instanceof TerraformRemoteState) remoteStates.push(...Object.values<any>(resolveElement(c).data?.terraform_remote_state ?? {}));
  }
  // `stack.addOverride('terraform.backend…', …)` lands in the stack's own overrides (merged
  // unresolved: `undefined` must still delete).
  mergeOverrides(block, (stack as any).rawOverrides?.terraform ?? {});
  return { terraform: resolvePlain(stack, block), remoteStates };
}

/** A value with its tokens resolved, as synthesis resolves them. */
function resolvePlain(scope: IConstruct, value: unknown): any {
  return Tokenization.resolve(value, { scope, resolver: new DefaultTokenResolver(new StringConcat()), preparing: false });
}

function resolveElement(node: TerraformResource | TerraformLocal | TerraformBackend | TerraformRemoteState): any {
  return resolvePlain(node, node.toTerraform());
}

function report(node: IConstruct, rule: Pick<PolicyRule, 'id' | 'level' | 'explanation' | 'checkovId'>): void {
  if (PolicySuppressions.isSuppressed(node, rule.id)) return;
  const message = `[${rule.id}] ${rule.explanation}${rule.checkovId ? ` (checkov: ${rule.checkovId})` : ''}`;
  if (rule.level === PolicyLevel.ERROR) Annotations.of(node).addError(message);
  else Annotations.of(node).addWarning(message);
}
