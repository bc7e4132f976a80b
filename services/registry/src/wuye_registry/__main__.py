from wuye_chassis.cli import run
from wuye_registry.entrypoints.app import build
from wuye_registry.entrypoints.bootstrap import BOOTSTRAP_ADMIN
from wuye_registry.entrypoints.cli import IMPORT

run(build, commands={"import": IMPORT, "bootstrap-admin": BOOTSTRAP_ADMIN})
