from wuye_chassis.cli import run
from wuye_ratings.entrypoints.app import build

run(build)
