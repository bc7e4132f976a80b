from wuye_chassis.cli import run
from wuye_enforcement.entrypoints.app import build
from wuye_enforcement.entrypoints.cli import IMPORT_CATALOGUE

run(build, commands={"import-catalogue": IMPORT_CATALOGUE})
