#!/usr/bin/env python3
"""The benchmark's baseline: the three inventory numbers computed with nothing but Python's csv module.

    inventory_baseline.py USERS LICENSES REGISTRATION CATALOG  ->  {"inScopeHybrid": N, "unlicensed": N, "unregistered": N}

What a consultant would write by hand for the generated tenant (Entra "Download users", a flattened Graph licence
export, Graph userRegistrationDetails, Microsoft's licensing table): in scope = enabled users; hybrid = directorySynced;
unlicensed = no assigned SKU with an AAD_PREMIUM / AAD_PREMIUM_P2 plan that is not in DisabledPlans; unregistered =
IsSsprRegistered not True. Straightforward, not deliberately slow: csv.reader with column indexes, sets and dicts.
"""
import csv
import json
import re
import sys

PREMIUM_PLANS = {"41781fb2-bc02-4b7c-bd55-b576c07bb09d", "eec0eb4f-6444-4f95-aba0-50c24d67f998"}


def reader(path):
    handle = open(path, encoding="utf-8-sig", newline="")
    rows = csv.reader(handle)
    header = next(rows)
    if header and header[0].startswith("#TYPE"):
        header = next(rows)
    return {name.strip().lower().replace(" ", "").replace("_", ""): index for index, name in enumerate(header)}, rows


def main(users_path, licenses_path, registration_path, catalog_path):
    columns, rows = reader(catalog_path)
    premium_by_sku = {}
    for row in rows:
        plan = row[columns["serviceplanid"]].strip().lower()
        if plan in PREMIUM_PLANS:
            premium_by_sku.setdefault(row[columns["guid"]].strip().lower(), set()).add(plan)

    columns, rows = reader(users_path)
    upn, enabled, synced = columns["userprincipalname"], columns["accountenabled"], columns["directorysynced"]
    targets = set()
    for row in rows:
        if row[enabled].strip().lower() in ("true", "1") and row[synced].strip().lower() in ("true", "1"):
            targets.add(row[upn].strip().lower())

    columns, rows = reader(licenses_path)
    upn, sku, disabled = columns["userprincipalname"], columns["skuid"], columns["disabledplans"]
    licensed = set()
    for row in rows:
        user = row[upn].strip().lower()
        if user not in targets:
            continue
        plans = premium_by_sku.get(row[sku].strip().lower())
        if plans and plans - set(re.split(r"[;, ]+", row[disabled].lower())):
            licensed.add(user)

    columns, rows = reader(registration_path)
    upn, registered_column = columns["userprincipalname"], columns["isssprregistered"]
    registered = set()
    for row in rows:
        if row[registered_column].strip().lower() in ("true", "1"):
            registered.add(row[upn].strip().lower())

    print(json.dumps({
        "inScopeHybrid": len(targets),
        "unlicensed": len(targets - licensed),
        "unregistered": len(targets - registered),
    }))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
