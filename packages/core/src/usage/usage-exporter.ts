import { Annotations, TerraformOutput, Token } from 'cdktf';
import { Construct } from 'constructs';
import { CloudTarget, TARGET_EXAMPLE } from '../core/cloud-target';
import { EMAIL } from '../core/email';
import { usageError } from '../core/errors';
import { LabelKey } from '../core/labels';
import { toLabelValue } from '../core/label-rules';
import { checkShapes, requireShapes, Shape } from '../core/shapes';
import { describe, invalid } from '../core/validation';
import { WorkspaceFleet } from '../fleet/workspace-fleet';
import { GpuWorkspace } from '../workspace/gpu-workspace';
import { isResourceName, libraryLabels, NAME_RULE } from '../workspace/validate';
import { BuiltUsage, UsageCloud, usageCloud, UsageSpec } from '../host/usage-cloud';
import { UsageView } from '../clouds/common/roles/usage';

/** A monthly budget per owner, with alerts. */
export interface UsageBudget {
  /**
   * Each owner's monthly amount, in `currency`, counting every resource labelled with the
   * owner (after credits). At most two decimals.
   */
  readonly monthlyAmount: number;
  /**
   * The ISO 4217 code of the amounts, e.g. `EUR`. It must be the billing account's currency
   * (GCP refuses another at apply; AWS budgets are in `USD`; Azure budgets count in the billing
   * account's currency, whatever is given here).
   */
  readonly currency: string;
  /**
   * The percentages of the amount at which the `notify` addresses are told, 1–5 of them.
   * @default [50, 90, 100]
   */
  readonly alertAtPercent?: number[];
  /** The email addresses told when spending crosses a threshold, 1–5 of them. */
  readonly notify: string[];
  /**
   * Amounts for particular owners, by the owner's email, overriding `monthlyAmount`.
   * @default - every owner gets `monthlyAmount`
   */
  readonly ownerAmounts?: { [owner: string]: number };
}

/** Properties of a {@link UsageExporter}. */
export interface UsageExporterProps {
  /**
   * The cloud, as the workspaces': the exporter reads what the workspaces of that GCP project,
   * AWS account or Azure subscription cost. GCP's dataset is made in the target's region; AWS's
   * export lives in `us-east-1` whatever the region (the service is only there), with the
   * bucket and Athena in the target's region; Azure's storage in the target's location.
   */
  readonly target: CloudTarget;
  /**
   * The prefix of every resource name. 2–24 lowercase letters, digits and hyphens, starting
   * with a letter.
   * @default - the construct id
   */
  readonly exporterName?: string;
  /**
   * GCP only, and required there: the Cloud Billing account id the project is billed to,
   * `XXXXXX-XXXXXX-XXXXXX` (the export's table is named after it and the budgets belong to it).
   * @default - none; AWS and Azure refuse it
   */
  readonly billingAccount?: string;
  /**
   * A monthly budget per owner of every workspace given to `track` or `trackFleet`.
   * @default - no budgets
   */
  readonly budget?: UsageBudget;
  /**
   * Days that exports, the machines' start/stop history and their activity lines are kept.
   * 30–3650.
   * @default 400
   */
  readonly retentionDays?: number;
  /**
   * A customer-managed key for the exported data: on GCP a Cloud KMS key name
   * (`projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`, in the dataset's region, with
   * the BigQuery service agent allowed to use it); on AWS a KMS key ARN.
   * @default - GCP: Google-managed keys; AWS: a key with rotation is created; Azure: refused
   * (Microsoft-managed keys with infrastructure encryption)
   */
  readonly kmsKey?: string;
  /**
   * The `cost-center` label of the exporter's own billable resources.
   * @default 'unassigned'
   */
  readonly costCenter?: string;
}

/** The `owner` label of the exporter's own resources: they serve everyone. */
const SHARED_OWNER = 'shared';
const MAX_AMOUNT = 1_000_000_000;

/**
 * What each workspace and each person costs, in money, from the cloud's own bill: the billing
 * export (GCP BigQuery, AWS CUR 2.0, Azure cost export), the machines' start/stop history and
 * idle-stop activity beside it, the same four views on every cloud (`cost_by_owner_day`,
 * `cost_by_workspace_day`, `gpu_hours_by_owner`, `idle_cost_by_owner`), and a budget per owner.
 *
 * ```ts
 * const usage = new UsageExporter(this, 'usage', {
 *   target,
 *   billingAccount: '01ABCD-23EF45-6789AB',
 *   budget: { monthlyAmount: 500, currency: 'EUR', notify: ['finops@example.com'] },
 * });
 * usage.trackFleet(fleet);
 * ```
 *
 * What cannot be made through an API is printed as a step (GCP: switching the billing export
 * on in the console; AWS: running the saved queries that create the views, and activating the
 * cost allocation tags with `UsageCostAllocationTags` from `cdktf-ml-workspace-aws`; Azure:
 * running the views' T-SQL in a Synapse serverless SQL database), in an output and as an info
 * annotation at synthesis.
 */
export class UsageExporter extends Construct {
  /** The prefix of every resource name. */
  public readonly exporterName: string;
  /** Where the views are: a BigQuery dataset (`project.dataset`), an Athena database, ... */
  public readonly location: string;
  /** The steps no API can take, in order; empty when there are none. */
  public readonly manualSteps: string[];
  /** The cloud's resources, read by the cloud package's escape hatches. @internal */
  public readonly _resources: unknown;

  /** The target the exporter was made for. @internal */
  public readonly _target: CloudTarget;
  private readonly spec: UsageSpec;
  private readonly cloud: UsageCloud;
  private readonly built: BuiltUsage;
  private readonly budget?: UsageBudget;
  /** Owner label → email, of the owners with a budget. */
  private readonly budgeted = new Map<string, string>();
  private readonly tracked = new Set<string>();

  constructor(scope: Construct, id: string, props: UsageExporterProps) {
    super(scope, id);
    const kind = 'UsageExporter';
    requireShapes(`${kind} '${id}'`, props, '{ target, billingAccount?, budget?, retentionDays?, kmsKey?, costCenter? }', PROP_SHAPES, ['target']);
    const fail = (prop: string, value: unknown, problem: string) => invalid(this, kind, prop, value, problem);
    const name = props.exporterName ?? id;
    if (!isResourceName(name)) {
      throw fail('exporterName', name, `is not a valid name; use ${NAME_RULE} (set exporterName when the construct id does not qualify)`);
    }
    const retentionDays = props.retentionDays ?? 400;
    if (!Token.isUnresolved(retentionDays) && (!Number.isInteger(retentionDays) || retentionDays < 30 || retentionDays > 3650)) {
      throw fail('retentionDays', retentionDays, 'must be a whole number of days from 30 to 3650 (a year and its month of invoices is 400)');
    }
    if (props.kmsKey !== undefined && !Token.isUnresolved(props.kmsKey) && (props.kmsKey.trim() === '' || /\s/.test(props.kmsKey))) {
      throw fail('kmsKey', props.kmsKey, "is not a key name; give the key's full name or ARN, or leave it out");
    }
    if (props.budget !== undefined) checkBudget(fail, props.budget);
    this._target = props.target;
    this.cloud = usageCloud(kind, id, props.target);
    this.budget = props.budget;
    this.spec = {
      kind,
      name,
      labels: libraryLabels(this, kind, props.target.cloud, name, SHARED_OWNER, {}, props.costCenter ?? 'unassigned', 'shared'),
      billingAccount: props.billingAccount,
      retentionDays,
      kmsKey: props.kmsKey,
      budget: props.budget && {
        currency: props.budget.currency,
        alertAtPercent: props.budget.alertAtPercent ?? [50, 90, 100],
        notify: props.budget.notify,
      },
    };
    this.cloud.validate(this, this.spec, props.target);
    this.built = this.cloud.build(this, this.spec, props.target);
    this._resources = this.built.resources;
    this.node.defaultChild = this.built.defaultChild;
    this.exporterName = name;
    this.location = this.built.location;
    this.manualSteps = [...this.built.manualSteps];

    const output = (what: string, value: string, description: string) =>
      new TerraformOutput(this, what, { value, description }).overrideLogicalId(`${name}_${what}`);
    const views = Object.fromEntries(Object.values(UsageView).map((v) => [v, this.viewName(v)]));
    output('usage_views', JSON.stringify(views), 'The usage views, by name');
    if (this.manualSteps.length > 0) {
      const steps = this.manualSteps.map((step, i) => `${i + 1}. ${step}`).join('\n');
      output('manual_steps', steps, 'Steps no API can take');
      Annotations.of(this).addInfo(`${kind} '${id}': ${this.manualSteps.length === 1 ? 'one step' : `${this.manualSteps.length} steps`} no API can take:\n${steps}`);
    }
  }

  /** The name of a view as a user queries it, e.g. `ml-prod.usage_usage.cost_by_owner_day`. */
  public viewName(view: UsageView): string {
    return `${this.location}.${view}`;
  }

  /**
   * Reports on a workspace: gives its owner a budget (one per owner, however many workspaces
   * they have). A workspace's cost is in the views whether tracked or not, by its labels.
   */
  public track(workspace: GpuWorkspace): void {
    if (!(workspace instanceof GpuWorkspace)) {
      throw usageError(`UsageExporter '${this.node.id}': track workspace ${describe(workspace)} must be a GpuWorkspace; for a fleet use trackFleet(fleet)`);
    }
    const problem = workspace._target.cloud !== this._target.cloud
      ? `is on ${workspace._target.cloud} and the exporter on ${this._target.cloud}; make an exporter per cloud`
      : this.cloud.coverageProblem(this._target, workspace._target);
    if (problem) throw usageError(`UsageExporter '${this.node.id}': track workspace '${workspace.node.path}' ${problem}`);
    if (this.tracked.has(workspace.node.path)) return;
    this.tracked.add(workspace.node.path);
    const owner = workspace._spec.labels[LabelKey.OWNER];
    if (!this.budget || this.budgeted.has(owner)) return;
    const email = workspace._spec.owner;
    this.budgeted.set(owner, email);
    const amount = ownerAmount(this.budget, email);
    this.cloud.addBudget(this, this.spec, this._target, this.built, { id: `Budget-${owner}`, owner, email, amount });
  }

  /** Tracks every member of a fleet, those added later included. */
  public trackFleet(fleet: WorkspaceFleet): void {
    if (!(fleet instanceof WorkspaceFleet)) {
      throw usageError(`UsageExporter '${this.node.id}': trackFleet fleet ${describe(fleet)} must be a WorkspaceFleet; for one workspace use track(workspace)`);
    }
    fleet._onMember((member) => this.track(member));
  }

  /** The owners (emails) with a budget, in the order they were first tracked. */
  public get budgetOwners(): string[] {
    return [...this.budgeted.values()];
  }
}

const PROP_SHAPES: Record<string, Shape> = {
  target: { instanceOf: CloudTarget, example: TARGET_EXAMPLE },
  exporterName: 'string',
  billingAccount: 'string',
  retentionDays: 'number',
  kmsKey: 'string',
  costCenter: 'string',
};

const BUDGET_SHAPES: Record<string, Shape> = {
  monthlyAmount: 'number',
  currency: 'string',
  notify: 'string[]',
};

function ownerAmount(budget: UsageBudget, email: string): number {
  const amounts = budget.ownerAmounts ?? {};
  const found = Object.keys(amounts).find((key) => key.toLowerCase() === email.toLowerCase());
  return found === undefined ? budget.monthlyAmount : amounts[found];
}

function checkAmount(fail: (prop: string, value: unknown, problem: string) => Error, prop: string, value: unknown): void {
  // Whole cents, within float error: 249.99 * 100 is 24998.999999999996.
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_AMOUNT || Math.abs(Math.round(value * 100) - value * 100) > 1e-6) {
    throw fail(prop, value, `must be an amount above 0 and at most ${MAX_AMOUNT}, with at most two decimals, e.g. 500 or 249.99`);
  }
}

function checkBudget(fail: (prop: string, value: unknown, problem: string) => Error, budget: UsageBudget): void {
  if (typeof budget !== 'object' || budget === null || Array.isArray(budget)) {
    throw fail('budget', budget, "must be an object: { monthlyAmount, currency, notify: ['finops@example.com'] }");
  }
  for (const key of Object.keys(budget)) {
    if (!['monthlyAmount', 'currency', 'alertAtPercent', 'notify', 'ownerAmounts'].includes(key)) {
      throw fail(`budget.${key}`, (budget as unknown as Record<string, unknown>)[key], 'is not a budget setting; use monthlyAmount, currency, alertAtPercent, notify or ownerAmounts');
    }
  }
  for (const key of ['monthlyAmount', 'currency', 'notify']) {
    if ((budget as unknown as Record<string, unknown>)[key] === undefined) throw fail(`budget.${key}`, undefined, "is required: { monthlyAmount, currency, notify: ['finops@example.com'] }");
  }
  checkShapes('UsageExporter budget', budget as unknown as Record<string, unknown>, BUDGET_SHAPES, 'budget.');
  checkAmount(fail, 'budget.monthlyAmount', budget.monthlyAmount);
  if (!/^[A-Z]{3}$/.test(budget.currency)) {
    throw fail('budget.currency', budget.currency, "is not an ISO 4217 currency code; use three capital letters, e.g. 'EUR' or 'USD'");
  }
  const percents = budget.alertAtPercent ?? [50, 90, 100];
  if (!Array.isArray(percents) || percents.length < 1 || percents.length > 5) {
    throw fail('budget.alertAtPercent', percents, 'must list 1 to 5 percentages (each cloud takes at most five alerts per budget), e.g. [50, 90, 100]');
  }
  for (const p of percents) {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 1000) {
      throw fail('budget.alertAtPercent', percents, `has ${describe(p)}; each must be a whole percentage from 1 to 1000`);
    }
  }
  if (new Set(percents).size !== percents.length) {
    throw fail('budget.alertAtPercent', percents, 'repeats a percentage; list each threshold once');
  }
  if (budget.notify.length < 1 || budget.notify.length > 5) {
    throw fail('budget.notify', budget.notify, 'must list 1 to 5 email addresses (GCP takes five notification channels per budget)');
  }
  for (const email of budget.notify) {
    if (Token.isUnresolved(email)) continue;
    if (!EMAIL.test(email) || /["'\\<>,;\s]/.test(email)) throw fail('budget.notify', email, "is not an email address; give one such as 'finops@example.com'");
  }
  if (new Set(budget.notify.map((e) => e.toLowerCase())).size !== budget.notify.length) {
    throw fail('budget.notify', budget.notify, 'repeats an address; list each once');
  }
  const amounts = budget.ownerAmounts ?? {};
  if (typeof amounts !== 'object' || amounts === null || Array.isArray(amounts)) {
    throw fail('budget.ownerAmounts', amounts, "must map owners' emails to amounts, e.g. { 'alice@example.com': 1000 }");
  }
  for (const [owner, amount] of Object.entries(amounts)) {
    if (!EMAIL.test(owner)) throw fail('budget.ownerAmounts', owner, "is not an owner's email; key each amount by the owner's email, as given to the workspace");
    checkAmount(fail, `budget.ownerAmounts['${owner}']`, amount);
  }
  const labels = Object.keys(amounts).map((o) => toLabelValue(o));
  if (new Set(labels).size !== labels.length) {
    throw fail('budget.ownerAmounts', Object.keys(amounts), 'names one owner twice (emails differing in case are one owner)');
  }
}
