-- The relations the Azure views read, in DuckDB types (T-SQL VARCHAR(n) -> VARCHAR, FLOAT ->
-- DOUBLE, DATETIME2 -> TIMESTAMP). In Synapse they are OPENROWSET views over the storage
-- account's files (the script's first three views); the test checks these columns against them.
--
-- export_rows: the ActualCost export's CSV lines with their billing period folder and run, the
--   fields named after Microsoft's cost details fields,
--   https://learn.microsoft.com/azure/cost-management-billing/automate/understand-usage-details-fields
--   (Tags: `"key": "value",...`, with or without braces).
-- activity_log: the subscription's activity log records (Administrative), one JSON per line,
--   https://learn.microsoft.com/azure/azure-monitor/essentials/activity-log-schema
-- activity_lines: the machines' idle-stop activity lines.
CREATE TABLE export_rows (
  period VARCHAR,
  run VARCHAR,
  usage_date DATE,
  subscription_id VARCHAR,
  resource_id VARCHAR,
  meter_category VARCHAR,
  meter_sub_category VARCHAR,
  charge_type VARCHAR,
  cost DOUBLE,
  currency VARCHAR,
  tags VARCHAR
);

CREATE TABLE activity_log (
  event_time TIMESTAMP,
  resource_id VARCHAR,
  operation_name VARCHAR,
  result_type VARCHAR
);

CREATE TABLE activity_lines (
  check_time TIMESTAMP,
  workspace VARCHAR,
  owner VARCHAR,
  state VARCHAR
);
