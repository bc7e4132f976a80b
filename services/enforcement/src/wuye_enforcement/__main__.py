from wuye_chassis.cli import run
from wuye_enforcement.entrypoints.app import build

run(build)
