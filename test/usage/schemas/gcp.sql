-- The tables the GCP views read, in DuckDB types, column for column as Google documents them.
--
-- gcp_billing_export_v1_<ACCOUNT>: the standard usage cost export,
--   https://cloud.google.com/billing/docs/how-to/export-data-bigquery-tables/standard-usage
--   (RECORD -> STRUCT, REPEATED RECORD -> STRUCT[], FLOAT -> DOUBLE, TIMESTAMP -> TIMESTAMPTZ).
-- _AllLogs: the view of a log bucket upgraded to Log Analytics, in its linked dataset,
--   https://cloud.google.com/logging/docs/analyze/query-linked-dataset and
--   https://cloud.google.com/logging/docs/log-analytics#schema (the fields the views read and
--   those around them; JSON columns as DuckDB JSON).
CREATE TABLE gcp_billing_export (
  billing_account_id VARCHAR,
  service STRUCT(id VARCHAR, description VARCHAR),
  sku STRUCT(id VARCHAR, description VARCHAR),
  usage_start_time TIMESTAMPTZ,
  usage_end_time TIMESTAMPTZ,
  project STRUCT(id VARCHAR, number VARCHAR, name VARCHAR, labels STRUCT(key VARCHAR, value VARCHAR)[], ancestry_numbers VARCHAR, ancestors STRUCT(resource_name VARCHAR, display_name VARCHAR)[]),
  labels STRUCT(key VARCHAR, value VARCHAR)[],
  system_labels STRUCT(key VARCHAR, value VARCHAR)[],
  location STRUCT(location VARCHAR, country VARCHAR, region VARCHAR, zone VARCHAR),
  tags STRUCT(key VARCHAR, value VARCHAR, inherited BOOLEAN, namespace VARCHAR)[],
  export_time TIMESTAMPTZ,
  cost DOUBLE,
  currency VARCHAR,
  currency_conversion_rate DOUBLE,
  usage STRUCT(amount DOUBLE, unit VARCHAR, amount_in_pricing_units DOUBLE, pricing_unit VARCHAR),
  credits STRUCT(name VARCHAR, amount DOUBLE, full_name VARCHAR, id VARCHAR, type VARCHAR)[],
  invoice STRUCT(month VARCHAR, publisher_type VARCHAR),
  cost_type VARCHAR,
  adjustment_info STRUCT(id VARCHAR, description VARCHAR, mode VARCHAR, type VARCHAR),
  cost_at_list DOUBLE,
  transaction_type VARCHAR,
  seller_name VARCHAR
);

CREATE TABLE gcp_all_logs (
  timestamp TIMESTAMPTZ,
  receive_timestamp TIMESTAMPTZ,
  log_id VARCHAR,
  log_name VARCHAR,
  resource STRUCT(type VARCHAR, labels JSON),
  severity VARCHAR,
  severity_number BIGINT,
  json_payload JSON,
  proto_payload STRUCT(audit_log STRUCT(service_name VARCHAR, method_name VARCHAR, resource_name VARCHAR, authentication_info STRUCT(principal_email VARCHAR))),
  text_payload VARCHAR,
  labels JSON,
  operation STRUCT(id VARCHAR, producer VARCHAR, first BOOLEAN, last BOOLEAN),
  insert_id VARCHAR
);
