from wuye_chassis.cli import run
from wuye_funds.entrypoints.app import build

run(build)
