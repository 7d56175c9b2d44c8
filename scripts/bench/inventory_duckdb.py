#!/usr/bin/env python3
"""The benchmark's second baseline: the three inventory numbers computed by DuckDB (read_csv and one SQL query, all
cores), the same rules as inventory_baseline.py.

    inventory_duckdb.py USERS LICENSES REGISTRATION CATALOG  ->  {"inScopeHybrid": N, "unlicensed": N, "unregistered": N}

In scope = enabled users (accountEnabled True); hybrid = directorySynced True; unlicensed = no assigned SKU with an
AAD_PREMIUM / AAD_PREMIUM_P2 plan that is not in DisabledPlans; unregistered = IsSsprRegistered not True. UPNs compare
case-insensitively. read_csv: https://duckdb.org/docs/stable/data/csv/overview ; lambdas and list functions:
https://duckdb.org/docs/current/sql/functions/lambda.html
"""
import json
import sys

import duckdb

PREMIUM_PLANS = ("41781fb2-bc02-4b7c-bd55-b576c07bb09d", "eec0eb4f-6444-4f95-aba0-50c24d67f998")

QUERY = """
WITH premium AS (
    SELECT lower(trim("GUID")) AS sku, list(DISTINCT lower(trim(Service_Plan_Id))) AS plans
    FROM read_csv($catalog, header = true, all_varchar = true)
    WHERE lower(trim(Service_Plan_Id)) IN ($p1, $p2)
    GROUP BY 1
),
targets AS (
    SELECT DISTINCT lower(trim(userPrincipalName)) AS upn
    FROM read_csv($users, header = true, all_varchar = true)
    WHERE lower(trim(accountEnabled)) IN ('true', '1') AND lower(trim(directorySynced)) IN ('true', '1')
),
licensed AS (
    SELECT DISTINCT lower(trim(l.UserPrincipalName)) AS upn
    FROM read_csv($licenses, header = true, all_varchar = true) AS l
    JOIN premium AS p ON lower(trim(l.SkuId)) = p.sku
    WHERE len(list_filter(p.plans, lambda plan: NOT list_contains(
        string_split_regex(lower(coalesce(l.DisabledPlans, '')), '[;, ]+'), plan))) > 0
),
registered AS (
    SELECT DISTINCT lower(trim(UserPrincipalName)) AS upn
    FROM read_csv($registration, header = true, all_varchar = true)
    WHERE lower(trim(IsSsprRegistered)) IN ('true', '1')
)
SELECT
    (SELECT count(*) FROM targets),
    (SELECT count(*) FROM targets ANTI JOIN licensed USING (upn)),
    (SELECT count(*) FROM targets ANTI JOIN registered USING (upn))
"""


def main(users, licenses, registration, catalog):
    connection = duckdb.connect()
    row = connection.execute(QUERY, {
        "users": users, "licenses": licenses, "registration": registration, "catalog": catalog,
        "p1": PREMIUM_PLANS[0], "p2": PREMIUM_PLANS[1],
    }).fetchone()
    print(json.dumps({"inScopeHybrid": row[0], "unlicensed": row[1], "unregistered": row[2]}))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
