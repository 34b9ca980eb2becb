-- The tables the AWS views read, in DuckDB types (Glue string -> VARCHAR, timestamp ->
-- TIMESTAMP, double -> DOUBLE, map<string,string> -> MAP(VARCHAR, VARCHAR)). The test checks
-- that these columns are the Glue tables' the exporter synthesizes, column for column.
--
-- cost_and_usage: the CUR 2.0 columns the Data Export selects, typed as the Data Exports table
--   dictionary gives them, https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html
--   (resource_tags: the cost allocation tags, keys `user_<key>`).
-- instance_history: what the EventBridge target writes per EC2 state change (JSON lines).
-- activity_lines: the machines' idle-stop activity lines (JSON lines).
CREATE TABLE cost_and_usage (
  identity_line_item_id VARCHAR,
  bill_billing_period_start_date TIMESTAMP,
  line_item_usage_account_id VARCHAR,
  line_item_line_item_type VARCHAR,
  line_item_usage_start_date TIMESTAMP,
  line_item_product_code VARCHAR,
  line_item_usage_type VARCHAR,
  line_item_resource_id VARCHAR,
  line_item_usage_amount DOUBLE,
  line_item_unblended_cost DOUBLE,
  line_item_currency_code VARCHAR,
  resource_tags MAP(VARCHAR, VARCHAR)
);

CREATE TABLE instance_history (
  event_time VARCHAR,
  instance_id VARCHAR,
  state VARCHAR
);

CREATE TABLE activity_lines (
  "time" VARCHAR,
  workspace VARCHAR,
  owner VARCHAR,
  state VARCHAR
);
