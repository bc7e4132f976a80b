"""The chart of accounts: which ledger holds which money, and the accounts and kinds postings use.

Every fund keeps its money in its own hash-chained ledger (``domain.ledger``); a balance is the sum of
an account's entries, debits positive. Account ids are at most 64 characters; the prefixed ones name
what is behind the prefix (a household, an income source, a donor, the other fund of a grant).
"""

from __future__ import annotations

# --- the maintenance fund (F1–F8): one ledger per compound, one account per household ---------------

HOUSEHOLD_PREFIX = "household:"
#: ledger account ids are at most 64 characters, the "household:" prefix included
HOUSEHOLD_ID_MAX_LENGTH = 54
DEPOSITS_ACCOUNT = "owners:deposits"
FIRST_DEPOSIT_KIND = "first_deposit"
DEPOSIT_KIND = "deposit"
INTEREST_ACCOUNT = "bank:interest"
INTEREST_KIND = "interest"
#: F8: a sold home's balance goes out to this account and straight back, so the handover is on the chain
SALE_HANDOVER_ACCOUNT = "handover:sale"
SALE_KIND = "sale_transfer"
#: F8: a demolished home's balance is paid out to its owner through this account
DEMOLITION_REFUND_ACCOUNT = "payee:demolition_refunds"
DEMOLITION_KIND = "demolition_refund"
#: F4: a paid use of the fund, charged to the benefiting households
WORKS_PAYEE = "payee:works"
SPENDING_KIND = "spending"


def maintenance_ledger_id(compound_id: str) -> str:
    return f"{compound_id}/maintenance"


def household_account(household_id: str) -> str:
    return f"{HOUSEHOLD_PREFIX}{household_id}"


# --- the owners' committee account (P1, P2): one ledger per compound --------------------------------

COMMITTEE_ACCOUNT = "committee:account"
INCOME_PREFIX = "income:"
INCOME_KIND = "common_income"
EXPENSE_PAYEE = "payee:expenses"
EXPENSE_KIND = "committee_expense"


def committee_ledger_id(compound_id: str) -> str:
    return f"{compound_id}/committee"


def income_account(source: str) -> str:
    return f"{INCOME_PREFIX}{source}"


# --- a compound's mini maintenance fund (P4) ---------------------------------------------------------

MINI_ACCOUNT = "mini:fund"
SURCHARGE_ACCOUNT = "mini:surcharges"
REPAIR_PAYEE = "payee:mini_repairs"
SURCHARGE_KIND = "mini_surcharge"
REPAIR_KIND = "mini_repair"


def mini_ledger_id(compound_id: str) -> str:
    return f"{compound_id}/mini"


# --- the neighbour funds (P5): one ledger per fund ---------------------------------------------------

FUND_ACCOUNT = "fund:balance"
DONOR_PREFIX = "donor:"
GRANT_PREFIX = "grant:"
ACTIVITIES_PAYEE = "payee:activities"
DONATION_KIND = "neighbour_donation"
GRANT_KIND = "neighbour_grant"
NEIGHBOUR_SPENDING_KIND = "neighbour_spending"


def neighbour_ledger_id(fund_id: str) -> str:
    return f"neighbour/{fund_id}"


def donor_account(source: str) -> str:
    return f"{DONOR_PREFIX}{source}"


def grant_account(other_fund_id: str) -> str:
    return f"{GRANT_PREFIX}{other_fund_id}"
