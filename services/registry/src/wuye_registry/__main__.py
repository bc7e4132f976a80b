from wuye_chassis.cli import run
from wuye_registry.entrypoints.app import build

run(build)
