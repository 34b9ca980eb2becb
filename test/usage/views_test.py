"""Runs the usage views each cloud deploys over synthetic export rows, and checks the money.

Input: the JSON that scripts/usage-sql.ts prints (each cloud's relations, in the SQL the
synthesized resources carry). Each relation is parsed by sqlglot in its cloud's dialect (a
syntax error fails), its table references are pointed at DuckDB tables shaped like the cloud's
documented export schema (test/usage/schemas/<cloud>.sql), and it is transpiled to DuckDB and
created as a view. The assertions are the money per owner, workspace and day to the cent, over
rows that include missing labels, credits, a refund, shared cost and a month boundary, on
each cloud.

Run: .venv/sql/bin/python test/usage/views_test.py <usage-sql.json>   (scripts/sql-views.sh)
"""

import json
import pathlib
import sys
import unittest
from decimal import Decimal

import duckdb
import sqlglot
from sqlglot import exp

HERE = pathlib.Path(__file__).parent
RELATIONS = {}


def load_relations(cloud):
    """The cloud's relations, parsed (a syntax error raises) and pointed at DuckDB tables."""
    spec = RELATIONS[cloud]
    names = {r["qualified"]: r["name"] for r in spec["relations"]}
    out = []
    for relation in spec["relations"]:
        tree = sqlglot.parse_one(relation["sql"], read=spec["dialect"])
        ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
        for table in tree.find_all(exp.Table):
            if not table.db and table.name in ctes:
                continue
            qualified = ".".join(p for p in (table.catalog, table.db, table.name) if p)
            target = names.get(qualified) or spec["sources"].get(qualified)
            if target is None:
                raise AssertionError(f"{cloud} {relation['name']}: reads {qualified}, which is neither a source nor a relation")
            alias = table.alias
            table.set("catalog", None)
            table.set("db", None)
            table.set("this", exp.to_identifier(target))
            if alias:
                table.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
        out.append((relation["name"], tree.sql(dialect="duckdb")))
    return out


def connect(cloud, insert):
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute((HERE / "schemas" / f"{cloud}.sql").read_text())
    insert(con)
    for name, sql in load_relations(cloud):
        con.execute(f"CREATE VIEW {name} AS {sql}")
    return con


def rows(con, sql):
    """Rows with money as Decimal cents, so 0.1 + 0.2 compares as 0.30."""
    result = []
    for row in con.execute(sql).fetchall():
        result.append(tuple(Decimal(str(v)).quantize(Decimal("0.01")) if isinstance(v, float) else v for v in row))
    return result


# The views as the assertions read them, the same on every cloud.
OWNER_DAY = "SELECT usage_day::VARCHAR, owner, currency, direct_cost, shared_cost, cost FROM cost_by_owner_day ORDER BY 1, 2"
GPU_HOURS = "SELECT usage_month::VARCHAR, owner, currency, gpu_workspaces, gpu_hours, machine_cost FROM gpu_hours_by_owner ORDER BY 1, 2"
IDLE_COST = "SELECT usage_day::VARCHAR, owner, workspace, machine_cost, checks, idle_checks, idle_cost FROM idle_cost_by_owner ORDER BY 1, 2"
TOTAL = "SELECT SUM(cost) FROM cost_by_owner_day"
WORKSPACE_DAY = "SELECT usage_day::VARCHAR, workspace, owner, cost_center, cost_scope, cost FROM cost_by_workspace_day ORDER BY 1, 2, 3"


def d(text):
    return Decimal(text)


# --- GCP ---------------------------------------------------------------------------------
PROJECT = "ml-research-prod"


def gcp_labels(**labels):
    if not labels:
        return "[]"
    return "[" + ", ".join(f"{{'key': '{k.replace('_', '-')}', 'value': '{v}'}}" for k, v in labels.items()) + "]"


def workspace_labels(workspace, owner, cost_center="ml-research", scope="workspace"):
    return gcp_labels(ml_workspace="true", workspace=workspace, owner=owner, cost_center=cost_center, cost_scope=scope)


def gcp_line(con, start, service, sku, cost, labels, credits=(), project=PROJECT, cost_type="regular", invoice="202601"):
    credits_sql = "[" + ", ".join(f"{{'name': '{n}', 'amount': {a}, 'full_name': '{n}', 'id': 'c', 'type': '{t}'}}" for n, a, t in credits) + "]"
    con.execute(
        f"""INSERT INTO gcp_billing_export VALUES (
        '01ABCD-23EF45-6789AB', {{'id': 's', 'description': '{service}'}}, {{'id': 'k', 'description': '{sku}'}},
        TIMESTAMPTZ '{start}', TIMESTAMPTZ '{start}' + INTERVAL 1 HOUR,
        {{'id': '{project}', 'number': '123456789012', 'name': '{project}', 'labels': [], 'ancestry_numbers': '/1/', 'ancestors': []}},
        {labels}, [], {{'location': 'europe-west4', 'country': 'NL', 'region': 'europe-west4', 'zone': 'europe-west4-a'}}, [],
        TIMESTAMPTZ '{start}' + INTERVAL 5 HOUR, {cost}, 'EUR', 0.92,
        {{'amount': 3600, 'unit': 'seconds', 'amount_in_pricing_units': 1, 'pricing_unit': 'hour'}},
        {credits_sql}, {{'month': '{invoice}', 'publisher_type': 'Google'}}, '{cost_type}',
        NULL, {cost}, 'GOOGLE', 'Google')"""
    )


def gcp_log(con, time, log_id, method=None, instance=None, last=True, severity="NOTICE", payload=None):
    audit = "NULL" if method is None else (
        f"{{'audit_log': {{'service_name': 'compute.googleapis.com', 'method_name': '{method}', "
        f"'resource_name': 'projects/{PROJECT}/zones/europe-west4-a/instances/{instance}', 'authentication_info': {{'principal_email': 'x@example.com'}}}}}}"
    )
    json_payload = "NULL" if payload is None else f"'{json.dumps(payload)}'"
    con.execute(
        f"""INSERT INTO gcp_all_logs VALUES (
        TIMESTAMPTZ '{time}', TIMESTAMPTZ '{time}', '{log_id}', 'projects/{PROJECT}/logs/{log_id.replace('/', '%2F')}',
        {{'type': 'gce_instance', 'labels': '{{"instance_id": "1", "zone": "europe-west4-a"}}'}}, '{severity}', 300,
        {json_payload}, {audit}, NULL, NULL, {{'id': 'op', 'producer': 'compute.googleapis.com', 'first': {str(not last).lower()}, 'last': {str(last).lower()}}}, 'i')"""
    )


def gcp_rows(con):
    alice = workspace_labels("alice", "alice_example_com")
    bob = workspace_labels("bob", "bob_example_com", cost_center="vision")
    # The exporter's own dataset is shared cost. Cloud NAT takes no labels on GCP: its lines
    # are unlabelled, as the bill shows them.
    usage = workspace_labels("usage", "shared", cost_center="unassigned", scope="shared")
    # 31 January: alice's GPU machine (cores with a sustained-use credit, the L4 GPU, her disk),
    # bob's CPU machine, the usage dataset's storage, the NAT and an image (both without
    # labels), and another project's cost.
    gcp_line(con, "2026-01-31 10:00:00+00", "Compute Engine", "G2 Instance Core running in Netherlands", 3.00, alice, [("Sustained usage discount", -0.50, "SUSTAINED_USAGE_DISCOUNT")])
    gcp_line(con, "2026-01-31 10:00:00+00", "Compute Engine", "Nvidia L4 GPU running in Netherlands", 5.60, alice)
    gcp_line(con, "2026-01-31 10:00:00+00", "Compute Engine", "Storage PD Capacity in Netherlands", 0.40, alice)
    gcp_line(con, "2026-01-31 10:00:00+00", "Compute Engine", "N2 Instance Core running in Netherlands", 1.20, bob)
    gcp_line(con, "2026-01-31 10:00:00+00", "BigQuery", "Active Logical Storage", 0.90, usage)
    gcp_line(con, "2026-01-31 10:00:00+00", "Networking", "Cloud NAT Gateway Uptime", 0.07, gcp_labels())
    gcp_line(con, "2026-01-31 10:00:00+00", "Compute Engine", "Storage Image", 0.03, gcp_labels())
    gcp_line(con, "2026-01-31 10:00:00+00", "Compute Engine", "N2 Instance Core running in Netherlands", 99.00, alice, project="another-project")
    # 1 February, the next month: alice's machine with a promotion credit, a refund of bob's
    # cores (a negative adjustment), the dataset.
    gcp_line(con, "2026-02-01 10:00:00+00", "Compute Engine", "G2 Instance Core running in Netherlands", 1.00, alice, [("Free trial", -0.25, "PROMOTION")], invoice="202602")
    gcp_line(con, "2026-02-01 10:00:00+00", "Compute Engine", "Nvidia L4 GPU running in Netherlands", 2.80, alice, invoice="202602")
    gcp_line(con, "2026-02-01 10:00:00+00", "Compute Engine", "N2 Instance Core running in Netherlands", -0.70, bob, cost_type="adjustment", invoice="202602")
    gcp_line(con, "2026-02-01 10:00:00+00", "BigQuery", "Active Logical Storage", 0.60, usage, invoice="202602")
    # 2 February: only the dataset cost anything.
    gcp_line(con, "2026-02-02 10:00:00+00", "BigQuery", "Active Logical Storage", 0.30, usage, invoice="202602")

    activity = "cloudaudit.googleapis.com/activity"
    system = "cloudaudit.googleapis.com/system_event"
    # alice: created 31 Jan 20:00, stopped 1 Feb 02:00 (the operation's first entry is not the
    # change), started 10:00, shut down from the guest 11:30, a failed start at 12:00, started
    # 22:00 and still running.
    gcp_log(con, "2026-01-31 20:00:00+00", activity, "v1.compute.instances.insert", "alice")
    gcp_log(con, "2026-02-01 01:59:30+00", activity, "v1.compute.instances.stop", "alice", last=False)
    gcp_log(con, "2026-02-01 02:00:00+00", activity, "v1.compute.instances.stop", "alice")
    gcp_log(con, "2026-02-01 10:00:00+00", activity, "v1.compute.instances.start", "alice")
    gcp_log(con, "2026-02-01 11:30:00+00", system, "compute.instances.guestTerminate", "alice")
    gcp_log(con, "2026-02-01 12:00:00+00", activity, "v1.compute.instances.start", "alice", severity="ERROR")
    gcp_log(con, "2026-02-01 22:00:00+00", activity, "beta.compute.instances.start", "alice")
    # bob: a CPU machine, started and stopped twice; his last stop is the newest record.
    gcp_log(con, "2026-01-31 09:00:00+00", activity, "v1.compute.instances.start", "bob")
    gcp_log(con, "2026-01-31 17:00:00+00", activity, "v1.compute.instances.stop", "bob")
    gcp_log(con, "2026-02-01 21:00:00+00", activity, "v1.compute.instances.start", "bob")
    gcp_log(con, "2026-02-01 23:00:00+00", activity, "v1.compute.instances.stop", "bob")
    # alice's idle-stop checks: 2 of 5 idle on 31 Jan, 1 of 5 on 1 Feb; none for bob.
    for day, idle in (("2026-01-31", 2), ("2026-02-01", 1)):
        for i in range(5):
            state = "idle" if i < idle else "busy"
            gcp_log(con, f"{day} 1{i}:00:00+00", "ml-workspace-activity", payload={"workspace": "alice", "owner": "alice_example_com", "state": state})


class Gcp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.con = connect("gcp", gcp_rows)

    def test_cost_by_owner_day_splits_shared_cost_and_keeps_unlabelled_lines(self):
        self.assertEqual(
            rows(self.con, OWNER_DAY),
            [
                ("2026-01-31", "(unlabelled)", "EUR", d("0.10"), 0, d("0.10")),
                ("2026-01-31", "alice_example_com", "EUR", d("8.50"), d("0.79"), d("9.29")),
                ("2026-01-31", "bob_example_com", "EUR", d("1.20"), d("0.11"), d("1.31")),
                # bob's refund weighs nothing: alice carries the day's shared cost.
                ("2026-02-01", "alice_example_com", "EUR", d("3.55"), d("0.60"), d("4.15")),
                ("2026-02-01", "bob_example_com", "EUR", d("-0.70"), d("0.00"), d("-0.70")),
                ("2026-02-02", "(shared)", "EUR", 0, d("0.30"), d("0.30")),
            ],
        )

    def test_cost_by_owner_day_adds_up_to_the_bill_of_the_project(self):
        (total,) = rows(self.con, TOTAL)[0:1][0]
        self.assertEqual(total, d("14.45"))  # every line of ml-research-prod, none of another-project

    def test_cost_by_workspace_day(self):
        self.assertEqual(
            rows(self.con, WORKSPACE_DAY),
            [
                ("2026-01-31", "(unlabelled)", "(unlabelled)", "(unlabelled)", "unlabelled", d("0.10")),
                ("2026-01-31", "alice", "alice_example_com", "ml-research", "workspace", d("8.50")),
                ("2026-01-31", "bob", "bob_example_com", "vision", "workspace", d("1.20")),
                ("2026-01-31", "usage", "shared", "unassigned", "shared", d("0.90")),
                ("2026-02-01", "alice", "alice_example_com", "ml-research", "workspace", d("3.55")),
                ("2026-02-01", "bob", "bob_example_com", "vision", "workspace", d("-0.70")),
                ("2026-02-01", "usage", "shared", "unassigned", "shared", d("0.60")),
                ("2026-02-02", "usage", "shared", "unassigned", "shared", d("0.30")),
            ],
        )

    def test_gpu_hours_by_owner_splits_runs_at_the_month_boundary(self):
        # Runs: 31 Jan 20:00-1 Feb 02:00 (4 h + 2 h), 10:00-11:30 (guest shutdown), 22:00 to
        # the newest record (bob's stop at 23:00). bob's CPU machine is not a GPU machine.
        self.assertEqual(
            rows(self.con, GPU_HOURS),
            [
                ("2026-01-01", "alice_example_com", "EUR", 1, d("4.00"), d("8.10")),
                ("2026-02-01", "alice_example_com", "EUR", 1, d("4.50"), d("3.55")),
            ],
        )

    def test_idle_cost_by_owner(self):
        self.assertEqual(
            rows(self.con, IDLE_COST),
            [
                ("2026-01-31", "alice_example_com", "alice", d("8.10"), 5, 2, d("3.24")),
                ("2026-01-31", "bob_example_com", "bob", d("1.20"), None, None, None),
                ("2026-02-01", "alice_example_com", "alice", d("3.55"), 5, 1, d("0.71")),
                ("2026-02-01", "bob_example_com", "bob", d("-0.70"), None, None, None),
            ],
        )


# --- AWS ---------------------------------------------------------------------------------
ACCOUNT = "123456789012"
DUCKDB_TYPES = {"string": "VARCHAR", "timestamp": "TIMESTAMP", "double": "DOUBLE", "map<string,string>": "MAP(VARCHAR, VARCHAR)"}


def aws_tags(workspace, owner, cost_center="ml-research", scope="workspace"):
    return {"user_ml_workspace": "true", "user_workspace": workspace, "user_owner": owner, "user_cost_center": cost_center, "user_cost_scope": scope}


def aws_line(con, start, product, usage_type, cost, tags=None, resource="", line_type="Usage", account=ACCOUNT):
    tags_sql = "MAP {" + ", ".join(f"'{k}': '{v}'" for k, v in (tags or {}).items()) + "}"
    con.execute(
        "INSERT INTO cost_and_usage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + tags_sql + ")",
        ["li-" + str(abs(hash((start, usage_type, cost, resource)))), start[:8] + "01 00:00:00", account, line_type, start, product, usage_type, resource, 24.0, cost, "USD"],
    )


def aws_rows(con):
    alice = aws_tags("alice", "alice_example_com")
    bob = aws_tags("bob", "bob_example_com", cost_center="vision")
    usage = aws_tags("usage", "shared", cost_center="unassigned", scope="shared")
    network = aws_tags("vision", "shared", cost_center="ml-research", scope="shared")
    # 31 January: alice's L4 machine (instance hours) and her volume, bob's CPU machine, the
    # exporter's bucket, the shared NAT gateway, untagged data transfer, an account-wide
    # credit without a resource (AWS gives credits their own line) and another account's line.
    aws_line(con, "2026-01-31 00:00:00", "AmazonEC2", "EUW1-BoxUsage:g6.xlarge", 8.05, alice, "i-0a11")
    aws_line(con, "2026-01-31 00:00:00", "AmazonEC2", "EUW1-EBS:VolumeUsage.gp3", 0.40, alice, "vol-0a11")
    aws_line(con, "2026-01-31 00:00:00", "AmazonEC2", "EUW1-BoxUsage:m7i.large", 1.20, bob, "i-0b22")
    aws_line(con, "2026-01-31 00:00:00", "AmazonS3", "EUW1-TimedStorage-ByteHrs", 0.90, usage, "usage-usage-123")
    aws_line(con, "2026-01-31 00:00:00", "AmazonEC2", "EUW1-NatGateway-Hours", 0.07, network, "nat-0c33")
    aws_line(con, "2026-01-31 00:00:00", "AWSDataTransfer", "EUW1-DataTransfer-Out-Bytes", 0.03)
    aws_line(con, "2026-01-31 00:00:00", "AmazonEC2", "EUW1-BoxUsage:g6.xlarge", -0.50, line_type="Credit")
    aws_line(con, "2026-01-31 00:00:00", "AmazonEC2", "EUW1-BoxUsage:g6.xlarge", 99.00, alice, "i-0f99", account="210987654321")
    # 1 February, the next month: alice on a spot instance, a refund of bob's hours, the bucket.
    aws_line(con, "2026-02-01 00:00:00", "AmazonEC2", "EUW1-SpotUsage:g6.xlarge", 1.00, alice, "i-0a11")
    aws_line(con, "2026-02-01 00:00:00", "AmazonEC2", "EUW1-BoxUsage:m7i.large", -0.70, bob, "i-0b22", line_type="Refund")
    aws_line(con, "2026-02-01 00:00:00", "AmazonS3", "EUW1-TimedStorage-ByteHrs", 0.60, usage, "usage-usage-123")
    # 2 February: only the bucket cost anything.
    aws_line(con, "2026-02-02 00:00:00", "AmazonS3", "EUW1-TimedStorage-ByteHrs", 0.30, usage, "usage-usage-123")

    def event(time, instance, state):
        con.execute("INSERT INTO instance_history VALUES (?, ?, ?)", [time, instance, state])

    # alice (i-0a11): running 31 Jan 20:00, stopping 1 Feb 02:00 (then stopped), pending and
    # running at 10:00, a guest shutdown (stopping) at 11:30, running 22:00 and still running.
    event("2026-01-31T20:00:00Z", "i-0a11", "running")
    event("2026-02-01T02:00:00Z", "i-0a11", "stopping")
    event("2026-02-01T02:01:10Z", "i-0a11", "stopped")
    event("2026-02-01T09:59:40Z", "i-0a11", "pending")
    event("2026-02-01T10:00:00Z", "i-0a11", "running")
    event("2026-02-01T11:30:00Z", "i-0a11", "stopping")
    event("2026-02-01T22:00:00Z", "i-0a11", "running")
    # bob (i-0b22): two runs; his last stop is the newest record of the library's instances.
    event("2026-01-31T09:00:00Z", "i-0b22", "running")
    event("2026-01-31T17:00:00Z", "i-0b22", "stopped")
    event("2026-02-01T21:00:00Z", "i-0b22", "running")
    event("2026-02-01T23:00:00Z", "i-0b22", "stopped")
    # An instance of the account the library did not make: not in the history the views read.
    event("2026-02-01T23:30:00Z", "i-0e55", "running")

    for day, idle in (("2026-01-31", 2), ("2026-02-01", 1)):
        for i in range(5):
            state = "idle" if i < idle else "busy"
            con.execute("INSERT INTO activity_lines VALUES (?, 'alice', 'alice_example_com', ?)", [f"{day}T1{i}:00:00Z", state])


class Aws(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.con = connect("aws", aws_rows)

    def test_the_schema_is_the_glue_tables(self):
        for table, columns in RELATIONS["aws"]["glueColumns"].items():
            described = [(name, kind) for name, kind, *_ in self.con.execute(f"DESCRIBE {table}").fetchall()]
            self.assertEqual(described, [(name, DUCKDB_TYPES[kind]) for name, kind in columns], table)

    def test_cost_by_owner_day_splits_shared_cost_and_keeps_unlabelled_lines(self):
        self.assertEqual(
            rows(self.con, OWNER_DAY),
            [
                # untagged transfer and the account-wide credit: kept, as their own row
                ("2026-01-31", "(unlabelled)", "USD", d("-0.47"), 0, d("-0.47")),
                ("2026-01-31", "alice_example_com", "USD", d("8.45"), d("0.85"), d("9.30")),
                ("2026-01-31", "bob_example_com", "USD", d("1.20"), d("0.12"), d("1.32")),
                ("2026-02-01", "alice_example_com", "USD", d("1.00"), d("0.60"), d("1.60")),
                ("2026-02-01", "bob_example_com", "USD", d("-0.70"), d("0.00"), d("-0.70")),
                ("2026-02-02", "(shared)", "USD", 0, d("0.30"), d("0.30")),
            ],
        )

    def test_cost_by_owner_day_adds_up_to_the_bill_of_the_account(self):
        self.assertEqual(rows(self.con, TOTAL)[0][0], d("11.35"))

    def test_cost_by_workspace_day(self):
        self.assertEqual(
            rows(self.con, WORKSPACE_DAY),
            [
                ("2026-01-31", "(unlabelled)", "(unlabelled)", "(unlabelled)", "unlabelled", d("-0.47")),
                ("2026-01-31", "alice", "alice_example_com", "ml-research", "workspace", d("8.45")),
                ("2026-01-31", "bob", "bob_example_com", "vision", "workspace", d("1.20")),
                ("2026-01-31", "usage", "shared", "unassigned", "shared", d("0.90")),
                ("2026-01-31", "vision", "shared", "ml-research", "shared", d("0.07")),
                ("2026-02-01", "alice", "alice_example_com", "ml-research", "workspace", d("1.00")),
                ("2026-02-01", "bob", "bob_example_com", "vision", "workspace", d("-0.70")),
                ("2026-02-01", "usage", "shared", "unassigned", "shared", d("0.60")),
                ("2026-02-02", "usage", "shared", "unassigned", "shared", d("0.30")),
            ],
        )

    def test_gpu_hours_by_owner_splits_runs_at_the_month_boundary(self):
        # 31 Jan 20:00-1 Feb 02:00 (4 h + 2 h), 10:00-11:30, 22:00 to the newest record (bob's
        # stop at 23:00; the untracked instance's later event is not the library's).
        self.assertEqual(
            rows(self.con, GPU_HOURS),
            [
                ("2026-01-01", "alice_example_com", "USD", 1, d("4.00"), d("8.05")),
                ("2026-02-01", "alice_example_com", "USD", 1, d("4.50"), d("1.00")),
            ],
        )

    def test_idle_cost_by_owner(self):
        self.assertEqual(
            rows(self.con, IDLE_COST),
            [
                ("2026-01-31", "alice_example_com", "alice", d("8.05"), 5, 2, d("3.22")),
                ("2026-01-31", "bob_example_com", "bob", d("1.20"), None, None, None),
                ("2026-02-01", "alice_example_com", "alice", d("1.00"), 5, 1, d("0.20")),
                ("2026-02-01", "bob_example_com", "bob", d("-0.70"), None, None, None),
            ],
        )


# --- Azure -------------------------------------------------------------------------------
TSQL_TYPES = {"DATE": "DATE", "FLOAT": "DOUBLE", "DATETIME2": "TIMESTAMP"}
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
VM = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/vision-rg/providers/Microsoft.Compute/virtualMachines/"


def azure_tags(workspace, owner, cost_center="ml-research", scope="workspace", braces=False):
    text = ",".join(f'"{k}": "{v}"' for k, v in {"ml-workspace": "true", "workspace": workspace, "owner": owner, "cost-center": cost_center, "cost-scope": scope}.items())
    return "{" + text + "}" if braces else text


def azure_rows(con):
    alice = azure_tags("alice", "alice_example_com")
    bob = azure_tags("bob", "bob_example_com", cost_center="vision", braces=True)
    usage = azure_tags("usage", "shared", cost_center="unassigned", scope="shared")
    network = azure_tags("vision", "shared", scope="shared")

    def line(period, run, day, resource, category, sub, cost, tags="", charge="Usage"):
        con.execute("INSERT INTO export_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'EUR', ?)", [period, run, day, SUBSCRIPTION, resource, category, sub, charge, cost, tags])

    jan, feb = "20260101-20260131", "20260201-20260228"
    # January, written twice by the daily month-to-date export: the run of 31 January holds the
    # month; the earlier run (through the 30th) must not be counted again.
    early = f"exports/usage-actualcost/usage-actualcost/{jan}/run-a"
    line(jan, early, "2026-01-30", VM + "alice", "Virtual Machines", "NCasT4 v3 Series", 5.00, alice)
    line(jan, early, "2026-01-30", VM + "bob", "Virtual Machines", "Dv5 Series", 2.00, bob)
    last = f"exports/usage-actualcost/usage-actualcost/{jan}/run-b"
    line(jan, last, "2026-01-30", VM + "alice", "Virtual Machines", "NCasT4 v3 Series", 5.00, alice)
    line(jan, last, "2026-01-30", VM + "bob", "Virtual Machines", "Dv5 Series", 2.00, bob)
    line(jan, last, "2026-01-31", VM.lower() + "alice", "Virtual Machines", "NCasT4 v3 Series", 8.05, alice)
    line(jan, last, "2026-01-31", "/subscriptions/x/disks/alice-home", "Storage", "Premium SSD Managed Disks", 0.40, alice)
    line(jan, last, "2026-01-31", "/subscriptions/x/storageaccounts/usage", "Storage", "General Block Blob v2", 0.90, usage)
    line(jan, last, "2026-01-31", "/subscriptions/x/natgateways/vision-nat", "Virtual Network", "NAT Gateway", 0.07, network)
    line(jan, last, "2026-01-31", "/subscriptions/x/images/nixos", "Storage", "Standard HDD Managed Disks", 0.03)
    # February: alice's GPU hours, a refund of bob's, the storage.
    run = f"exports/usage-actualcost/usage-actualcost/{feb}/run-c"
    line(feb, run, "2026-02-01", VM + "alice", "Virtual Machines", "NCasT4 v3 Series", 1.00, alice)
    line(feb, run, "2026-02-01", VM + "bob", "Virtual Machines", "Dv5 Series", -0.70, bob, charge="Refund")
    line(feb, run, "2026-02-01", "/subscriptions/x/storageaccounts/usage", "Storage", "General Block Blob v2", 0.60, usage)

    def event(time, vm, operation, result="Success"):
        con.execute("INSERT INTO activity_log VALUES (?, ?, ?, ?)", [time, (VM + vm).upper(), f"MICROSOFT.COMPUTE/VIRTUALMACHINES/{operation}", result])

    # alice: created 30 Jan 20:00 (and written again while running: not a start), deallocated
    # 31 Jan 02:00 after a power-off (still billed), started 10:00, deallocated 11:30, a failed
    # start, started 22:00 and still running. bob's stop at 23:00 is the newest record.
    event("2026-01-30 20:00:00", "alice", "WRITE")
    event("2026-01-30 21:00:00", "alice", "WRITE")
    event("2026-01-31 01:00:00", "alice", "POWEROFF/ACTION")
    event("2026-01-31 02:00:00", "alice", "DEALLOCATE/ACTION")
    event("2026-01-31 10:00:00", "alice", "START/ACTION", "Start")
    event("2026-01-31 10:00:30", "alice", "START/ACTION")
    event("2026-01-31 11:30:00", "alice", "DEALLOCATE/ACTION")
    event("2026-01-31 12:00:00", "alice", "START/ACTION", "Failure")
    event("2026-01-31 22:00:00", "alice", "START/ACTION")
    event("2026-01-31 09:00:00", "bob", "WRITE")
    event("2026-01-31 17:00:00", "bob", "DEALLOCATE/ACTION")
    event("2026-02-01 01:00:00", "bob", "START/ACTION")
    event("2026-02-01 23:00:00", "bob", "DEALLOCATE/ACTION")

    for day, idle in (("2026-01-31", 2), ("2026-02-01", 1)):
        for i in range(5):
            con.execute("INSERT INTO activity_lines VALUES (?, 'alice', 'alice_example_com', ?)", [f"{day} 1{i}:00:00", "idle" if i < idle else "busy"])


class Azure(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.con = connect("azure", azure_rows)

    def test_the_schema_is_the_openrowset_views(self):
        for table, columns in RELATIONS["azure"]["sourceColumns"].items():
            described = [(name, kind) for name, kind, *_ in self.con.execute(f"DESCRIBE {table}").fetchall()]
            self.assertEqual(described, [(name, TSQL_TYPES.get(kind, "VARCHAR")) for name, kind in columns], table)
        for view in RELATIONS["azure"]["sourceViews"]:
            self.assertIn("OPENROWSET(BULK 'https://", view["sql"], view["name"])

    def test_only_the_newest_run_of_a_month_is_counted(self):
        self.assertEqual(rows(self.con, "SELECT COUNT(*), ROUND(SUM(cost), 2) FROM cost_export WHERE usage_date = DATE '2026-01-30'"), [(2, d("7.00"))])

    def test_cost_by_owner_day_splits_shared_cost_and_keeps_unlabelled_lines(self):
        self.assertEqual(
            rows(self.con, OWNER_DAY),
            [
                ("2026-01-30", "alice_example_com", "EUR", d("5.00"), d("0.00"), d("5.00")),
                ("2026-01-30", "bob_example_com", "EUR", d("2.00"), d("0.00"), d("2.00")),
                ("2026-01-31", "(unlabelled)", "EUR", d("0.03"), 0, d("0.03")),
                ("2026-01-31", "alice_example_com", "EUR", d("8.45"), d("0.97"), d("9.42")),
                ("2026-02-01", "alice_example_com", "EUR", d("1.00"), d("0.60"), d("1.60")),
                ("2026-02-01", "bob_example_com", "EUR", d("-0.70"), d("0.00"), d("-0.70")),
            ],
        )

    def test_cost_by_owner_day_adds_up_to_the_bill(self):
        self.assertEqual(rows(self.con, TOTAL)[0][0], d("17.35"))

    def test_cost_by_workspace_day_reads_tags_with_and_without_braces(self):
        self.assertEqual(
            rows(self.con, WORKSPACE_DAY),
            [
                ("2026-01-30", "alice", "alice_example_com", "ml-research", "workspace", d("5.00")),
                ("2026-01-30", "bob", "bob_example_com", "vision", "workspace", d("2.00")),
                ("2026-01-31", "(unlabelled)", "(unlabelled)", "(unlabelled)", "unlabelled", d("0.03")),
                ("2026-01-31", "alice", "alice_example_com", "ml-research", "workspace", d("8.45")),
                ("2026-01-31", "usage", "shared", "unassigned", "shared", d("0.90")),
                ("2026-01-31", "vision", "shared", "ml-research", "shared", d("0.07")),
                ("2026-02-01", "alice", "alice_example_com", "ml-research", "workspace", d("1.00")),
                ("2026-02-01", "bob", "bob_example_com", "vision", "workspace", d("-0.70")),
                ("2026-02-01", "usage", "shared", "unassigned", "shared", d("0.60")),
            ],
        )

    def test_gpu_hours_by_owner(self):
        # 30 Jan 20:00-31 Jan 02:00 (the power-off does not end it: 6 h), 10:00:30-11:30 (the
        # start's success, not its beginning: 1 h 29 m 30 s), 22:00 to the newest record (bob's
        # deallocation, 1 Feb 23:00): 2 h in January, 23 h in February.
        self.assertEqual(
            rows(self.con, GPU_HOURS),
            [
                ("2026-01-01", "alice_example_com", "EUR", 1, d("9.49"), d("13.05")),
                ("2026-02-01", "alice_example_com", "EUR", 1, d("23.00"), d("1.00")),
            ],
        )

    def test_idle_cost_by_owner(self):
        self.assertEqual(
            rows(self.con, IDLE_COST),
            [
                ("2026-01-30", "alice_example_com", "alice", d("5.00"), None, None, None),
                ("2026-01-30", "bob_example_com", "bob", d("2.00"), None, None, None),
                ("2026-01-31", "alice_example_com", "alice", d("8.05"), 5, 2, d("3.22")),
                ("2026-02-01", "alice_example_com", "alice", d("1.00"), 5, 1, d("0.20")),
                ("2026-02-01", "bob_example_com", "bob", d("-0.70"), None, None, None),
            ],
        )


def main():
    global RELATIONS
    RELATIONS = json.loads(pathlib.Path(sys.argv[1]).read_text())
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
