import argparse

import uvicorn

from wuye_chassis.telemetry import setup_telemetry
from wuye_gateway.app import create_app
from wuye_gateway.settings import GatewaySettings

parser = argparse.ArgumentParser(description="Wuye gateway")
parser.add_argument("command", choices=["serve"], nargs="?", default="serve")
parser.parse_args()
settings = GatewaySettings()
setup_telemetry(settings.service_name)
uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None, access_log=False)
