#!/usr/bin/env python3
"""Generates a realistic tenant's exports for the inventory benchmark (deterministic for a given --users).

Files, in the layouts the tools write (each layout and its public source: Tests/PreflightKitTests/Fixtures/inventory/SOURCE.md):
  users.csv          Entra admin center "Download users": the 29-column header of the real 2021 sample, UTF-8 with BOM,
                     CRLF, quoted only where needed ("Last, First" display names, addresses with commas).
  licenses.csv       Graph PowerShell, flattened with Export-Csv -NoTypeInformation: one row per user and SKU,
                     every field quoted, DisabledPlans as service-plan GUIDs joined with ';'.
  registration.csv   Graph userRegistrationDetails via Export-Csv (PascalCase, True/False, methods joined with ',').
  subscribedSkus.csv Get-MgSubscribedSku | Select-Object SkuPartNumber, SkuId, ConsumedUnits, PrepaidUnits.Enabled.

70% of users are synchronized from AD, 3% are disabled; licences mix P1-carrying SKUs (Microsoft 365 E3/E5, Business
Premium, EMS E3) with ones that do not carry P1 (Office 365 E3, Business Standard), some with AAD_PREMIUM disabled.
"""
import argparse
import os
import random
import uuid

FIRST = ["Adele", "Alex", "Allan", "Bianca", "Brian", "Chen", "Diego", "Emily", "Fatima", "Grady", "Henrietta", "Isaiah",
         "Jamal", "Johanna", "Joni", "Lee", "Lidia", "Lynne", "Megan", "Miriam", "Nestor", "Noah", "Patti", "Pradeep",
         "Raul", "Sakura", "Søren", "Zoë", "Renée", "José"]
LAST = ["Adams", "Bauer", "Chen", "Diaz", "Evans", "Fischer", "García", "Haddad", "Ito", "Johnson", "Kowalski", "Larsen",
        "Müller", "Nguyen", "O'Brien", "Patel", "Quinn", "Rossi", "Schmidt", "Tanaka", "Urban", "Vance", "Weber", "Young"]
DEPARTMENTS = ["Finance", "Sales & Marketing", "Operations", "Research, Development", "Legal", "IT", "Human Resources"]
CITIES = [("Redmond", "WA", "98052", "United States"), ("Munich", "BY", "80331", "Germany"),
          ("Paris", "IDF", "75001", "France"), ("Osaka", "", "530-0001", "Japan")]

# (SkuPartNumber, SkuId, carries P1/P2) — GUIDs as in Microsoft's licensing table.
SPE_E3 = ("SPE_E3", "05e9a617-0261-4cee-bb44-138d3ef5d965")
SPE_E5 = ("SPE_E5", "06ebc4ee-1bb5-47dd-8120-11324bc54e06")
SPB = ("SPB", "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46")
EMS = ("EMS", "efccb6f7-5641-4e0e-bd10-b4976e1bf68e")
O365_E3 = ("ENTERPRISEPACK", "6fd2c87f-b296-42f0-b197-1e91e994b900")
O365_BSTD = ("O365_BUSINESS_PREMIUM", "f245ecc8-75af-4f8e-b61f-27d8114de5f3")
TEAMS_EXPLORATORY = ("TEAMS_EXPLORATORY", "710779e8-3d4a-4c88-adb9-386c958d1fdf")
AAD_PREMIUM_PLAN = "41781fb2-bc02-4b7c-bd55-b576c07bb09d"
OTHER_PLANS = ["efb87545-963c-4e0d-99df-69c6916d9eb0", "57ff2da0-773e-42df-b2af-ffb7a2317929",
               "0feaeb32-d00e-4d66-bd5a-43b5b83db82c"]

USERS_HEADER = ("userPrincipalName,displayName,surname,mail,givenName,id,userType,jobTitle,department,accountEnabled,"
                "usageLocation,streetAddress,state,country,officeLocation,city,postalCode,telephoneNumber,mobilePhone,"
                "alternateEmailAddress,ageGroup,consentProvidedForMinor,legalAgeGroupClassification,companyName,"
                "creationType,directorySynced,invitationState,identityIssuer,createdDateTime")


def quote(value):
    """RFC 4180 quoting only where needed (what the portal does)."""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def always_quote(value):
    """Export-Csv in Windows PowerShell quotes every field."""
    return '"' + value.replace('"', '""') + '"'


def assignment(rng):
    """The SKUs of one user and whether AAD_PREMIUM is disabled in the first one."""
    roll = rng.random()
    if roll < 0.45:
        skus = [SPE_E3]
    elif roll < 0.60:
        skus = [SPE_E5]
    elif roll < 0.72:
        skus = [SPB]
    elif roll < 0.80:
        skus = [O365_E3, EMS]
    elif roll < 0.90:
        skus = [O365_E3]
    elif roll < 0.95:
        skus = [O365_BSTD]
    else:
        skus = []
    if skus and rng.random() < 0.3:
        skus = skus + [TEAMS_EXPLORATORY]
    return skus


def generate(users, folder, seed=20240605):
    rng = random.Random(seed)
    os.makedirs(folder, exist_ok=True)
    consumed = {}
    with open(os.path.join(folder, "users.csv"), "w", encoding="utf-8-sig", newline="") as u, \
            open(os.path.join(folder, "licenses.csv"), "w", encoding="utf-8", newline="") as l, \
            open(os.path.join(folder, "registration.csv"), "w", encoding="utf-8", newline="") as r:
        u.write(USERS_HEADER + "\r\n")
        l.write('"UserPrincipalName","UserId","SkuId","SkuPartNumber","DisabledPlans"\r\n')
        r.write('"Id","UserPrincipalName","UserDisplayName","UserType","IsAdmin","IsMfaCapable","IsMfaRegistered",'
                '"IsPasswordlessCapable","IsSsprCapable","IsSsprEnabled","IsSsprRegistered",'
                '"IsSystemPreferredAuthenticationMethodEnabled","LastUpdatedDateTime","MethodsRegistered",'
                '"DefaultMfaMethod"\r\n')
        for n in range(users):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            upn = f"{first.lower()}.{last.lower()}.{n}@contoso.com".replace("'", "").encode("ascii", "ignore").decode()
            oid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            synced = rng.random() < 0.70
            enabled = rng.random() >= 0.03
            city, state, postal, country = rng.choice(CITIES)
            department = rng.choice(DEPARTMENTS)
            created = f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/20{rng.randint(15, 24)} {rng.randint(1, 12)}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} {'AM' if rng.random() < 0.5 else 'PM'}"
            row = [upn, f"{last}, {first}", last, upn, first, oid, "Member", "Analyst", department,
                   "True" if enabled else "False", "US", f"{rng.randint(1, 999)} Main St, Suite {rng.randint(1, 50)}",
                   state, country, "Building 4", city, postal, "+1 425 555 0100", "", "", "", "", "", "Contoso",
                   "", "True" if synced else "", "", "contoso.onmicrosoft.com", created]
            u.write(",".join(quote(v) for v in row) + "\r\n")

            skus = assignment(rng)
            disable_p1 = bool(skus) and rng.random() < 0.04
            for index, (part, sku) in enumerate(skus):
                disabled = list(rng.sample(OTHER_PLANS, rng.randint(0, 2)))
                if index == 0 and disable_p1:
                    disabled.append(AAD_PREMIUM_PLAN)
                l.write(",".join(always_quote(v) for v in [upn, oid, sku, part, ";".join(disabled)]) + "\r\n")
                consumed[sku] = consumed.get(sku, 0) + 1
            if not skus and rng.random() < 0.5:
                # Left-joined exports write one empty row for a user without licences.
                l.write(",".join(always_quote(v) for v in [upn, oid, "", "", ""]) + "\r\n")

            registered = rng.random() < 0.78
            capable = registered and rng.random() < 0.97
            methods = "microsoftAuthenticatorPush,softwareOneTimePasscode" if registered else ""
            r.write(",".join(always_quote(v) for v in [
                oid, upn, f"{last}, {first}", "member", "False", str(capable), str(registered), "False", str(capable),
                "True", str(registered), "False", "3/4/2025 10:15:00 AM", methods,
                "microsoftAuthenticatorPush" if registered else ""]) + "\r\n")

    with open(os.path.join(folder, "subscribedSkus.csv"), "w", encoding="utf-8", newline="") as s:
        s.write('"SkuPartNumber","SkuId","ConsumedUnits","PrepaidUnits.Enabled"\r\n')
        for part, sku in [SPE_E3, SPE_E5, SPB, EMS, O365_E3, O365_BSTD, TEAMS_EXPLORATORY]:
            used = consumed.get(sku, 0)
            s.write(",".join(always_quote(v) for v in [part, sku, str(used), str(int(used * 1.02) + 10)]) + "\r\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args()
    generate(arguments.users, arguments.out)
