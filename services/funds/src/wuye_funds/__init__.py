"""Wuye funds service: every fen accounted for: maintenance fund, owners' votes, common income, ledgers."""
