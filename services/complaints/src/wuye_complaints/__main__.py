from wuye_chassis.cli import run
from wuye_complaints.entrypoints.app import build
from wuye_complaints.entrypoints.cli import REBUILD_FIGURES

run(build, commands={"rebuild-figures": REBUILD_FIGURES})
