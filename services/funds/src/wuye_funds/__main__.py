from wuye_chassis.cli import run
from wuye_funds.entrypoints.app import build
from wuye_funds.entrypoints.cli import SIGN_LEDGER_HEADS

run(build, commands={"sign-ledger-heads": SIGN_LEDGER_HEADS})
