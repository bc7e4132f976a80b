from wuye_chassis.cli import run
from wuye_complaints.entrypoints.app import build

run(build)
