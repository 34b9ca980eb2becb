import { Construct } from 'constructs';
import { Cloud, CloudTarget } from '../core/cloud-target';
import { usageError } from '../core/errors';

/** A {@link UsageExporter}'s settings with every default filled in. @internal */
export interface UsageSpec {
  readonly kind: string;
  /** The prefix of every resource name. */
  readonly name: string;
  /** The labels (tags) of the exporter's own billable resources. */
  readonly labels: Record<string, string>;
  /** GCP's Cloud Billing account id. */
  readonly billingAccount?: string;
  /** How long exports, event history and activity lines are kept. */
  readonly retentionDays: number;
  /** A customer-managed key, in the cloud's form, or undefined for the cloud's default. */
  readonly kmsKey?: string;
  readonly budget?: {
    readonly currency: string;
    readonly alertAtPercent: readonly number[];
    readonly notify: readonly string[];
  };
}

/** What a cloud built for an exporter. @internal */
export interface BuiltUsage {
  readonly resources: unknown;
  readonly defaultChild: Construct;
  /** Where the views are, as a user queries them (`project.dataset`, an Athena database, a T-SQL schema); each view is `<location>.<view>`. */
  readonly location: string;
  /** The steps no API can take, in the order a user takes them; empty when there are none. */
  readonly manualSteps: readonly string[];
}

/** One owner's budget. @internal */
export interface OwnerBudget {
  /** A stable construct id for the owner's budget. */
  readonly id: string;
  /** The owner's label value, which the budget filters on. */
  readonly owner: string;
  /** The owner's email, for display names. */
  readonly email: string;
  readonly amount: number;
}

/**
 * What one cloud does for a {@link UsageExporter}. Each cloud's package registers its
 * implementation when it loads, as for workspaces.
 *
 * @internal
 */
export interface UsageCloud {
  readonly cloud: Cloud;
  /** Checks the exporter's settings against the cloud; throws the library's errors. */
  validate(scope: Construct, spec: UsageSpec, target: CloudTarget): void;
  build(scope: Construct, spec: UsageSpec, target: CloudTarget): BuiltUsage;
  /** Makes one owner's monthly budget with the exporter's alerts. */
  addBudget(scope: Construct, spec: UsageSpec, target: CloudTarget, built: BuiltUsage, budget: OwnerBudget): void;
  /** Why a workspace with this target is outside what the exporter reads, or undefined. */
  coverageProblem(exporter: CloudTarget, workspace: CloudTarget): string | undefined;
}

const CLOUDS = new Map<Cloud, UsageCloud>();

/** Registers a cloud's implementation (once per cloud). @internal */
export function registerUsageCloud(implementation: UsageCloud): void {
  CLOUDS.set(implementation.cloud, implementation);
}

/** The implementation for a target's cloud. @internal */
export function usageCloud(kind: string, id: string, target: CloudTarget): UsageCloud {
  const found = CLOUDS.get(target.cloud);
  if (!found) {
    throw usageError(
      `${kind} '${id}': no usage export for cloud ${String(target.cloud)} is loaded; import the cloud's package from its root ('cdktf-ml-workspace-${String(target.cloud).toLowerCase()}'), which registers it`,
    );
  }
  return found;
}
