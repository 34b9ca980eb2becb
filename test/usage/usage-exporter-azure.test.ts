import { TerraformStack, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GpuWorkspace, UsageExporter, UsageExporterProps, UsageView, WorkspaceFleet } from 'cdktf-ml-workspace';
import { AzureResources, AzureTarget, AzureTargetOptions } from 'cdktf-ml-workspace-azure';
import { azureUsageSql, GPU_SERIES } from 'cdktf-ml-workspace-azure/lib/roles/usage';
import { VIEW_LABEL_KEYS } from 'cdktf-ml-workspace/lib/clouds/common/roles/usage';
import { synthUsage } from './synth';
import { errorOf } from '../util';

const AZURE: AzureTargetOptions = {
  location: 'westeurope',
  keyVaultAllowedCidrs: ['198.51.100.0/24'],
  imageId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/images/ml-workspace-nixos',
};
const target = (options: Partial<AzureTargetOptions> = {}) => AzureTarget.of({ ...AZURE, ...options });
const synth = (props: Partial<UsageExporterProps> = {}, then?: (usage: UsageExporter, stack: TerraformStack) => void) => synthUsage({ target: target(), ...props }, then);
const BUDGET = { monthlyAmount: 500, currency: 'EUR', notify: ['finops@example.com'] };
const TAGS = { 'cost-center': 'unassigned', 'cost-scope': 'shared', 'ml-workspace': 'true', 'owner': 'shared', 'workspace': 'usage' };
const ref = (json: any, type: string, attribute: string) => `\${${type}.${Object.keys(json.resource[type])[0]}.${attribute}}`;

describe('UsageExporter on Azure', () => {
  test('a storage account without shared keys or public blobs, TLS 1.2, encrypted twice, geo-redundant', () => {
    const { one, json } = synth();
    expect(one('azurerm_storage_account')).toEqual({
      name: `usage${ref(json, 'random_id', 'hex')}`,
      resource_group_name: ref(json, 'azurerm_resource_group', 'name'),
      location: 'westeurope',
      account_kind: 'StorageV2',
      account_tier: 'Standard',
      account_replication_type: 'GRS',
      is_hns_enabled: true,
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      min_tls_version: 'TLS1_2',
      https_traffic_only_enabled: true,
      infrastructure_encryption_enabled: true,
      allow_nested_items_to_be_public: false,
      cross_tenant_replication_enabled: false,
      local_user_enabled: false,
      blob_properties: { delete_retention_policy: { days: 7 }, container_delete_retention_policy: { days: 7 } },
      tags: TAGS,
    });
    expect(one('azurerm_resource_group')).toEqual({ name: 'usage-rg', location: 'westeurope', tags: TAGS });
    expect(one('random_id').byte_length).toBe(3);
  });

  test("private containers made through Resource Manager (shared keys are off), kept the retention", () => {
    const { of, one, json } = synth({ retentionDays: 90 });
    expect((Object.values(of('azurerm_storage_container')) as any[]).map((c) => [c.name, c.container_access_type, c.storage_account_id])).toEqual([
      ['activity', 'private', ref(json, 'azurerm_storage_account', 'id')],
      ['exports', 'private', ref(json, 'azurerm_storage_account', 'id')],
    ]);
    expect(one('azurerm_storage_management_policy').rule).toEqual([
      {
        name: 'retention',
        enabled: true,
        filters: { blob_types: ['blockBlob', 'appendBlob'], prefix_match: ['exports/', 'activity/', 'insights-activity-logs/'] },
        actions: { base_blob: { delete_after_days_since_modification_greater_than: 90 } },
      },
    ]);
  });

  test('a daily month-to-date ActualCost export of the subscription, as CSV, starting the day after the apply', () => {
    const { one, json } = synth();
    const subscription = `/subscriptions/\${data.azurerm_client_config.${Object.keys(json.data.azurerm_client_config)[0]}.subscription_id}`;
    const exports = Object.entries(json.resource.azurerm_storage_container as Record<string, any>).find(([, c]) => c.name === 'exports')![0];
    const created = `time_static.${Object.keys(json.resource.time_static)[0]}.rfc3339`;
    expect(one('azurerm_subscription_cost_management_export')).toEqual({
      name: 'usage-actualcost',
      subscription_id: subscription,
      recurrence_type: 'Daily',
      recurrence_period_start_date: `\${timeadd(${created}, "24h")}`,
      recurrence_period_end_date: `\${timeadd(${created}, "87600h")}`,
      file_format: 'Csv',
      export_data_storage_location: { container_id: `\${azurerm_storage_container.${exports}.id}`, root_folder_path: 'usage-actualcost' },
      export_data_options: { type: 'ActualCost', time_frame: 'MonthToDate' },
    });
  });

  test("the subscription's activity log into Log Analytics and the storage account", () => {
    const { of, one, json } = synth({ retentionDays: 1000 });
    expect((Object.values(of('azurerm_monitor_diagnostic_setting')) as any[]).find((d) => d.name === 'usage-activity-log')).toEqual(
      expect.objectContaining({
        name: 'usage-activity-log',
        target_resource_id: expect.stringMatching(/^\/subscriptions\/\$\{data\.azurerm_client_config\.\w+\.subscription_id\}$/),
        log_analytics_workspace_id: ref(json, 'azurerm_log_analytics_workspace', 'id'),
        storage_account_id: ref(json, 'azurerm_storage_account', 'id'),
        enabled_log: [{ category: 'Administrative' }],
      }),
    );
    expect(one('azurerm_log_analytics_workspace')).toEqual(expect.objectContaining({ name: 'usage-logs', sku: 'PerGB2018', retention_in_days: 730, tags: TAGS }));
  });

  test("every read, write and delete of the account's blobs is logged to the workspace", () => {
    const { of, json } = synth();
    const audit = (Object.values(of('azurerm_monitor_diagnostic_setting')) as any[]).find((d) => d.name === 'usage-blob-audit');
    expect(audit).toEqual({
      name: 'usage-blob-audit',
      target_resource_id: `${ref(json, 'azurerm_storage_account', 'id')}/blobServices/default`,
      log_analytics_workspace_id: ref(json, 'azurerm_log_analytics_workspace', 'id'),
      enabled_log: [{ category: 'StorageRead' }, { category: 'StorageWrite' }, { category: 'StorageDelete' }],
    });
  });

  test('the views are one T-SQL script, an output: three OPENROWSET views over the files, then the staging views and the four', () => {
    const { json, usage } = synth();
    const script: string = json.output.usage_views_sql.value;
    const names = [...script.matchAll(/^CREATE OR ALTER VIEW \[dbo\]\.\[(\w+)\] AS$/gm)].map((m) => m[1]);
    expect(names).toEqual(['export_rows', 'activity_log', 'activity_lines', 'cost_export', 'usage_lines', 'machine_events', 'activity_checks', 'cost_by_owner_day', 'cost_by_workspace_day', 'gpu_hours_by_owner', 'idle_cost_by_owner']);
    expect(script.match(/^GO$/gm)).toHaveLength(11);
    const account = ref(json, 'azurerm_storage_account', 'name');
    expect(script).toContain(`OPENROWSET(BULK 'https://${account}.dfs.core.windows.net/exports/usage-actualcost/usage-actualcost/*/**', FORMAT = 'CSV', PARSER_VERSION = '2.0', HEADER_ROW = TRUE)`);
    expect(script).toContain(`OPENROWSET(BULK 'https://${account}.dfs.core.windows.net/insights-activity-logs/**'`);
    // A run is the file's own folder, or the file when runs are files side by side in the
    // period's folder: either way two runs of a month are told apart.
    expect(script).toContain(
      "SELECT r.filepath(1) AS period, CASE WHEN RIGHT(LEFT(r.filepath(), LEN(r.filepath()) - CHARINDEX('/', REVERSE(r.filepath()))), CHARINDEX('/', REVERSE(LEFT(r.filepath(), LEN(r.filepath()) - CHARINDEX('/', REVERSE(r.filepath()))))) - 1) = r.filepath(1) THEN r.filepath() ELSE LEFT(r.filepath(), LEN(r.filepath()) - CHARINDEX('/', REVERSE(r.filepath()))) END AS run,",
    );
    expect(usage.viewName(UsageView.COST_BY_OWNER_DAY)).toBe('dbo.cost_by_owner_day');
    expect(usage.manualSteps[0]).toContain("run the output 'usage_views_sql' in it as a user with Storage Blob Data Reader");
    expect(usage.manualSteps).toHaveLength(2);
  });

  test('the views read every library tag, and GPU machines by their series', () => {
    const sql = azureUsageSql('dbo').map((r) => r.sql).join('\n');
    for (const key of VIEW_LABEL_KEYS) expect(sql).toContain(`'$."${key}"')`);
    expect(GPU_SERIES).toEqual(['NC', 'ND', 'NV']);
    expect(sql).toContain("meter_category = 'Virtual Machines' AND (meter_sub_category LIKE 'NC%' OR meter_sub_category LIKE 'ND%' OR meter_sub_category LIKE 'NV%')");
  });

  test('a consumption budget per owner tag, alerting an action group', () => {
    const { of, one, usage, json } = synth({ budget: { ...BUDGET, alertAtPercent: [80, 100], notify: ['a@example.com', 'b@example.com'], ownerAmounts: { 'bob@example.com': 249.99 } } }, (u, stack) => {
      u.trackFleet(
        new WorkspaceFleet(stack, 'vision', {
          target: target(),
          members: [
            { name: 'alice', owner: 'alice@example.com', principal: '00000000-0000-0000-0000-000000000001' },
            { name: 'bob', owner: 'bob@example.com', principal: '00000000-0000-0000-0000-000000000002' },
          ],
        }),
      );
    });
    const group = ref(json, 'azurerm_monitor_action_group', 'id');
    const budgets = Object.values(of('azurerm_consumption_budget_subscription')) as any[];
    expect(budgets.map((b) => [b.name, b.amount, b.time_grain, b.filter])).toEqual([
      ['usage-alice_example_com', 500, 'Monthly', { tag: [{ name: 'owner', values: ['alice_example_com'] }] }],
      ['usage-bob_example_com', 249.99, 'Monthly', { tag: [{ name: 'owner', values: ['bob_example_com'] }] }],
    ]);
    expect(budgets[0].notification).toEqual([80, 100].map((threshold) => ({ enabled: true, operator: 'GreaterThan', threshold, threshold_type: 'Actual', contact_groups: [group] })));
    // Each budget starts in the month it is made: an owner who joins later is not given a start
    // in the past, which Azure refuses.
    const starts = budgets.map((b) => /^\$\{formatdate\("YYYY-MM-01'T'00:00:00Z", time_static\.([\w-]+)\.rfc3339\)\}$/.exec(b.time_period.start_date)![1]);
    expect(new Set(starts).size).toBe(2);
    expect(starts.every((t) => /Budget-/.test(t))).toBe(true);
    expect(one('azurerm_monitor_action_group')).toEqual(
      expect.objectContaining({
        location: 'global',
        short_name: 'usage',
        email_receiver: [
          { name: 'notify-0', email_address: 'a@example.com', use_common_alert_schema: true },
          { name: 'notify-1', email_address: 'b@example.com', use_common_alert_schema: true },
        ],
      }),
    );
    expect(usage.budgetOwners).toEqual(['alice@example.com', 'bob@example.com']);
    expect(Object.keys(AzureResources.ofUsage(usage).budgets)).toEqual(['alice_example_com', 'bob_example_com']);
  });

  test("the library's provider reads the keyless account as the deployer's Entra identity; a user's provider without it is warned about", () => {
    const { json } = synth();
    expect(json.provider.azurerm).toEqual([{ features: [{}], storage_use_azuread: true }]);
    const stack = new TerraformStack(Testing.app(), 'own');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    new UsageExporter(stack, 'usage', { target: target() });
    Testing.synth(stack);
    const warnings = stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
    expect(warnings).toEqual([
      "UsageExporter 'usage': the stack's azurerm provider does not set storage_use_azuread = true; the exporter's storage account has shared keys off, so Terraform cannot read it without: set storageUseAzuread: true on the provider",
    ]);
  });

  test('a resource group the target names is used, not made', () => {
    const { of, one } = synth({ target: target({ resourceGroupName: 'finops' }) });
    expect(Object.keys(of('azurerm_resource_group'))).toEqual([]);
    expect(one('azurerm_storage_account').resource_group_name).toBe('finops');
  });

  test('a workspace in another location is covered: the export and the activity log are of the subscription', () => {
    expect(() => synth({}, (u, stack) => u.track(new GpuWorkspace(stack, 'bob', { target: target({ location: 'northeurope' }), owner: 'bob@example.com' })))).not.toThrow();
  });

  test.each<[string, Partial<UsageExporterProps>, string]>([
    ['a billing account', { billingAccount: '01ABCD-23EF45-6789AB' }, "UsageExporter 'usage': billingAccount '01ABCD-23EF45-6789AB' is GCP's; on Azure the export is of the subscription"],
    ['a key', { kmsKey: 'https://vault.vault.azure.net/keys/k' }, "kmsKey 'https://vault.vault.azure.net/keys/k' is not taken on Azure"],
    ['a subnet', { target: target({ subnetId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s' }) }, 'target.subnetId'],
    ['a location typo', { target: target({ location: 'west europe' }) }, "target.location 'west europe' is not an Azure location name"],
    ['a resource group with a slash', { target: target({ resourceGroupName: 'a/b' }) }, "target.resourceGroupName 'a/b' is not a resource group name"],
  ])('%s is refused', (_name, props, message) => {
    expect(errorOf(() => synth(props))).toContain(message);
  });
});
