"""``python -m wuye_funds sign-ledger-heads``: once after upgrading to signed checkpoints (migration 0010),
sign the head of every ledger that has none, with the configured ``WUYE_LEDGER_SIGNING_KEY``. A ledger
whose chain does not verify is reported and left unsigned. Running it again signs nothing more."""

from __future__ import annotations

import argparse
import asyncio

from wuye_chassis.app import ServiceDefinition
from wuye_chassis.cli import Command, as_platform
from wuye_funds.service.ledger import HeadSigning, sign_unsigned_heads
from wuye_funds.service.unit_of_work import FundsUnitOfWork


def _configure(parser: argparse.ArgumentParser) -> None:
    """No arguments: every ledger of the service's database."""


def _run(definition: ServiceDefinition[FundsUnitOfWork], args: argparse.Namespace) -> int:
    done = asyncio.run(sign_heads(definition))
    for ledger_id in done.signed:
        print(f"signed {ledger_id}")
    for ledger_id, why in done.refused:
        print(f"NOT signed {ledger_id}: {why}")
    return 1 if done.refused else 0


async def sign_heads(definition: ServiceDefinition[FundsUnitOfWork]) -> HeadSigning:
    return await as_platform(definition, sign_unsigned_heads)


SIGN_LEDGER_HEADS = Command(help="sign the head of every ledger without a checkpoint (after upgrading)",
                            configure=_configure, run=_run)
