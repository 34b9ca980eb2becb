import { LabelKey } from '../../../core/labels';

/**
 * The four views every cloud gets, written once over three staging relations that each cloud
 * derives from its own export, event history and activity log (its `usage` role):
 *
 * - `usage_lines`: one row per billed line, `usage_day` (DATE, UTC), `usage_month` (DATE, the
 *   first of the month), `owner`, `workspace`, `cost_center`, `cost_scope` (`workspace`,
 *   `shared` or `unlabelled`), `machine_charge` (1 for a running machine's vCPU, memory, GPU or
 *   instance-hour charge, else 0), `gpu_charge` (1 for a GPU's or a GPU machine's charge),
 *   `cost` (after credits; refunds are negative) and `currency`. Lines without the library's
 *   labels keep `(unlabelled)` as owner and workspace: never dropped.
 * - `machine_events`: `event_time` (TIMESTAMP), `workspace`, `running` (1 when the machine
 *   started, 0 when it stopped, was deallocated or deleted).
 * - `activity_checks`: one row per check of the machine's idle-stop timer, `check_time`,
 *   `workspace`, `owner`, `idle` (1 when nobody was connected and nothing computed, else 0).
 *
 * The SQL keeps to what BigQuery, Trino (Athena) and T-SQL share: integer flags rather than
 * booleans, CTEs, `CASE`, `LEAD`, `COALESCE`, `ROUND`; the few functions they spell differently
 * come from the {@link SqlDialect}.
 *
 * @internal
 */
export interface SqlDialect {
  /** sqlglot's name of the dialect (`bigquery`, `trino`, `tsql`). */
  readonly name: string;
  /** Whole seconds from `start` to `end` (both TIMESTAMP). */
  secondsBetween(start: string, end: string): string;
  /** A DATE as the TIMESTAMP of its midnight (UTC). */
  midnight(date: string): string;
  /** The first day of the month after a DATE that is a first of month. */
  nextMonth(date: string): string;
  /** The first day of a DATE's month. */
  monthStart(date: string): string;
}

/** The relations a cloud's staging SQL defines, as the names the views reference. @internal */
export interface StagingRelations {
  readonly usageLines: string;
  readonly machineEvents: string;
  readonly activityChecks: string;
}

/** The names of the views, the same on every cloud. */
export enum UsageView {
  /** Money per owner per day: direct cost, a share of shared cost, and their sum. */
  COST_BY_OWNER_DAY = 'cost_by_owner_day',
  /** Money per workspace (and shared resource, and unlabelled line) per day. */
  COST_BY_WORKSPACE_DAY = 'cost_by_workspace_day',
  /** Running hours of GPU machines per owner and month, beside their billed machine cost. */
  GPU_HOURS_BY_OWNER = 'gpu_hours_by_owner',
  /** Per owner, workspace and day: the machine cost billed while the machine sat idle. */
  IDLE_COST_BY_OWNER = 'idle_cost_by_owner',
}

/** The names of the staging relations, the same on every cloud. @internal */
export const STAGING = { usageLines: 'usage_lines', machineEvents: 'machine_events', activityChecks: 'activity_checks' } as const;

/** The `cost-scope` label values the views read. @internal */
export const COST_SCOPES = { workspace: 'workspace', shared: 'shared', unlabelled: 'unlabelled' } as const;

/** What a line without the library's labels shows as owner and workspace. @internal */
export const UNLABELLED = '(unlabelled)';
/** The owner of shared cost on a day no owner had direct cost to split it by. @internal */
export const UNSPLIT_SHARED = '(shared)';

/** The label keys the staging SQL reads, so a test can hold the views and the labels together. @internal */
export const VIEW_LABEL_KEYS: readonly string[] = [LabelKey.ML_WORKSPACE, LabelKey.OWNER, LabelKey.WORKSPACE, LabelKey.COST_CENTER, LabelKey.COST_SCOPE];

/**
 * `usage_lines` from a cloud's raw lines: a query giving `usage_time` (TIMESTAMP), the raw label
 * values `lbl_ml`, `lbl_owner`, `lbl_workspace`, `lbl_cost_center`, `lbl_scope` (NULL when
 * absent), `machine_charge`, `gpu_charge`, `cost` and `currency`. A line is the library's when
 * its `ml-workspace` label is `true`; its scope is its `cost-scope` label, or (resources made
 * before that label) `shared` when its owner is `shared`, else `workspace`. Any other line is
 * `unlabelled`, with that as owner, workspace and cost center.
 *
 * @internal
 */
export function usageLinesFrom(d: SqlDialect, raw: string): string {
  const ours = "r.lbl_ml = 'true'";
  const scope = `CASE WHEN r.lbl_scope IN ('${COST_SCOPES.workspace}', '${COST_SCOPES.shared}') THEN r.lbl_scope WHEN r.lbl_owner = '${COST_SCOPES.shared}' THEN '${COST_SCOPES.shared}' ELSE '${COST_SCOPES.workspace}' END`;
  const label = (column: string) => `CASE WHEN ${ours} THEN COALESCE(r.${column}, '${UNLABELLED}') ELSE '${UNLABELLED}' END`;
  return [
    `SELECT CAST(r.usage_time AS DATE) AS usage_day, ${d.monthStart('CAST(r.usage_time AS DATE)')} AS usage_month,`,
    `  ${label('lbl_owner')} AS owner,`,
    `  ${label('lbl_workspace')} AS workspace,`,
    `  ${label('lbl_cost_center')} AS cost_center,`,
    `  CASE WHEN ${ours} THEN ${scope} ELSE '${COST_SCOPES.unlabelled}' END AS cost_scope,`,
    '  r.machine_charge, r.gpu_charge, r.cost, r.currency',
    `FROM (\n${raw}\n) AS r`,
  ].join('\n');
}

/**
 * The four views' SQL for a dialect, over the staging relations.
 *
 * How shared cost is split (documented in the README): a day's `shared` cost, per currency, is
 * divided between the owners with positive direct cost that day in proportion to it; on a day
 * without any, it stays on an owner row named `(shared)`. Each share is rounded to the cent.
 *
 * @internal
 */
export function usageViews(d: SqlDialect, s: StagingRelations): Record<UsageView, string> {
  const scope = COST_SCOPES;
  const costByWorkspace = [
    'SELECT usage_day, workspace, owner, cost_center, cost_scope, currency, ROUND(SUM(cost), 2) AS cost',
    `FROM ${s.usageLines}`,
    'GROUP BY usage_day, workspace, owner, cost_center, cost_scope, currency',
  ].join('\n');

  const share = 'CASE WHEN w.weight > 0 AND d.cost > 0 THEN sh.cost * d.cost / w.weight ELSE 0 END';
  const costByOwner = [
    'WITH direct AS (',
    `  SELECT usage_day, owner, currency, SUM(cost) AS cost FROM ${s.usageLines} WHERE cost_scope = '${scope.workspace}'`,
    '  GROUP BY usage_day, owner, currency',
    '), shared AS (',
    `  SELECT usage_day, currency, SUM(cost) AS cost FROM ${s.usageLines} WHERE cost_scope = '${scope.shared}'`,
    '  GROUP BY usage_day, currency',
    '), weights AS (',
    '  SELECT usage_day, currency, SUM(CASE WHEN cost > 0 THEN cost ELSE 0 END) AS weight FROM direct',
    '  GROUP BY usage_day, currency',
    ')',
    'SELECT d.usage_day, d.owner, d.currency, ROUND(d.cost, 2) AS direct_cost,',
    `  ROUND(COALESCE(${share}, 0), 2) AS shared_cost,`,
    `  ROUND(d.cost, 2) + ROUND(COALESCE(${share}, 0), 2) AS cost`,
    'FROM direct AS d',
    'JOIN weights AS w ON w.usage_day = d.usage_day AND w.currency = d.currency',
    'LEFT JOIN shared AS sh ON sh.usage_day = d.usage_day AND sh.currency = d.currency',
    'UNION ALL',
    `SELECT sh.usage_day, '${UNSPLIT_SHARED}' AS owner, sh.currency, 0 AS direct_cost, ROUND(sh.cost, 2) AS shared_cost, ROUND(sh.cost, 2) AS cost`,
    'FROM shared AS sh',
    'LEFT JOIN weights AS w ON w.usage_day = sh.usage_day AND w.currency = sh.currency',
    'WHERE COALESCE(w.weight, 0) = 0',
    'UNION ALL',
    `SELECT usage_day, '${UNLABELLED}' AS owner, currency, ROUND(SUM(cost), 2) AS direct_cost, 0 AS shared_cost, ROUND(SUM(cost), 2) AS cost`,
    `FROM ${s.usageLines} WHERE cost_scope = '${scope.unlabelled}'`,
    'GROUP BY usage_day, currency',
  ].join('\n');

  const monthStart = d.midnight('m.usage_month');
  const monthEnd = d.midnight(d.nextMonth('m.usage_month'));
  const gpuHours = [
    'WITH ordered AS (',
    '  SELECT workspace, running, event_time,',
    '    LEAD(event_time) OVER (PARTITION BY workspace ORDER BY event_time) AS next_time',
    `  FROM ${s.machineEvents}`,
    '), newest AS (',
    `  SELECT MAX(event_time) AS newest_time FROM ${s.machineEvents}`,
    '), runs AS (',
    '  SELECT o.workspace, o.event_time AS start_time, COALESCE(o.next_time, n.newest_time) AS end_time',
    '  FROM ordered AS o CROSS JOIN newest AS n WHERE o.running = 1',
    '), months AS (',
    `  SELECT DISTINCT usage_month FROM ${s.usageLines}`,
    '), run_months AS (',
    '  SELECT r.workspace, m.usage_month,',
    `    ${d.secondsBetween(`CASE WHEN r.start_time > ${monthStart} THEN r.start_time ELSE ${monthStart} END`, `CASE WHEN r.end_time < ${monthEnd} THEN r.end_time ELSE ${monthEnd} END`)} AS seconds`,
    `  FROM runs AS r JOIN months AS m ON r.start_time < ${monthEnd} AND r.end_time > ${monthStart}`,
    '), gpu_machines AS (',
    '  SELECT usage_month, workspace, owner, currency, SUM(CASE WHEN machine_charge = 1 THEN cost ELSE 0 END) AS cost',
    `  FROM ${s.usageLines} WHERE cost_scope = '${scope.workspace}'`,
    '  GROUP BY usage_month, workspace, owner, currency',
    '  HAVING MAX(gpu_charge) = 1',
    '), hours AS (',
    '  SELECT workspace, usage_month, SUM(seconds) AS seconds FROM run_months GROUP BY workspace, usage_month',
    ')',
    'SELECT g.usage_month, g.owner, g.currency, COUNT(*) AS gpu_workspaces,',
    '  ROUND(SUM(COALESCE(h.seconds, 0)) / 3600.0, 2) AS gpu_hours, ROUND(SUM(g.cost), 2) AS machine_cost',
    'FROM gpu_machines AS g',
    'LEFT JOIN hours AS h ON h.workspace = g.workspace AND h.usage_month = g.usage_month',
    'GROUP BY g.usage_month, g.owner, g.currency',
  ].join('\n');

  const idleCost = [
    'WITH machine_cost AS (',
    '  SELECT usage_day, workspace, owner, currency, SUM(cost) AS cost',
    `  FROM ${s.usageLines} WHERE cost_scope = '${scope.workspace}' AND machine_charge = 1`,
    '  GROUP BY usage_day, workspace, owner, currency',
    '), checks AS (',
    `  SELECT CAST(check_time AS DATE) AS usage_day, workspace, COUNT(*) AS checks, SUM(idle) AS idle_checks`,
    `  FROM ${s.activityChecks}`,
    '  GROUP BY CAST(check_time AS DATE), workspace',
    ')',
    'SELECT c.usage_day, c.owner, c.workspace, c.currency, ROUND(c.cost, 2) AS machine_cost,',
    '  k.checks, k.idle_checks, ROUND(c.cost * k.idle_checks / k.checks, 2) AS idle_cost',
    'FROM machine_cost AS c',
    'LEFT JOIN checks AS k ON k.usage_day = c.usage_day AND k.workspace = c.workspace',
  ].join('\n');

  return {
    [UsageView.COST_BY_OWNER_DAY]: costByOwner,
    [UsageView.COST_BY_WORKSPACE_DAY]: costByWorkspace,
    [UsageView.GPU_HOURS_BY_OWNER]: gpuHours,
    [UsageView.IDLE_COST_BY_OWNER]: idleCost,
  };
}
