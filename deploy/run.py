"""``make run``: the whole platform on this machine until Ctrl-C.

Embedded NATS (JetStream, 127.0.0.1 only, store under var/nats), every service on its own SQLite file
under var/db (or its own database on the PostgreSQL server WUYE_RUN_POSTGRES names), the gateway on http://127.0.0.1:8000 with the development token issuer, and the demo city.
Ports and the data folder can be changed with WUYE_RUN_* variables (see README). ``make run-cluster`` runs
two replicas of every service and of the gateway on PostgreSQL and a three-node JetStream cluster
(WUYE_RUN_REPLICAS, WUYE_RUN_NATS_NODES).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import demo  # noqa: E402
from deploy.localstack import SERVICES, LocalStack, Supervisor  # noqa: E402


def main() -> int:
    data_dir = Path(os.environ.get("WUYE_RUN_DATA_DIR", ROOT / "var"))
    first_grpc_port = int(os.environ.get("WUYE_RUN_GRPC_PORT", "50051"))
    first_metrics_port = int(os.environ.get("WUYE_RUN_METRICS_PORT", "9464"))
    stack = LocalStack(
        data_dir=data_dir,
        nats_port=int(os.environ.get("WUYE_RUN_NATS_PORT", "4322")),
        gateway_port=int(os.environ.get("WUYE_RUN_GATEWAY_PORT", "8000")),
        grpc_ports={name: first_grpc_port + offset for offset, name in enumerate(SERVICES)},
        metrics_ports={name: first_metrics_port + offset for offset, name in enumerate(SERVICES)},
        postgres=os.environ.get("WUYE_RUN_POSTGRES", ""),
        replicas=int(os.environ.get("WUYE_RUN_REPLICAS", "1")),
        nats_nodes=int(os.environ.get("WUYE_RUN_NATS_NODES", "1")),
    )
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"starting Wuye (data in {stack.data_dir}) …", flush=True)
    stack.start()
    try:
        services = stack.wait_ready(timeout=90)
        loaded = demo.load_all(stack, ROOT / "deploy" / "demo" / "huian")
    except Exception as exc:
        print(f"start-up failed: {exc}", file=sys.stderr)
        stack.stop()
        return 1
    print("\nWuye is running:")
    print(f"  gateway      {'  '.join(stack.gateway_urls)}   (OpenAPI: {stack.gateway_url}/docs, metrics: /metrics)")
    print(f"  console      {stack.gateway_url}/console/   (officers; sign in with a development account)")
    print(f"  NATS         {stack.nats_url}   (JetStream store: {stack.data_dir / 'nats'}; one user"
          f" per service, read-only tools: {stack.nats_ops_url})")
    for name in SERVICES:
        replicas = zip(stack.replica_grpc_ports[name], stack.replica_metrics_ports[name], strict=True)
        for replica, (grpc_port, metrics_port) in enumerate(replicas):
            print(f"  {stack.process_name(name, replica):<12} grpc 127.0.0.1:{grpc_port}   {services[name]}"
                  f"   db {stack.database_url(name)}   metrics http://127.0.0.1:{metrics_port}/metrics")
    print(f"  logs         {stack.data_dir / 'logs'}")
    print(f"  demo city    {loaded['city']}")
    print(f"  demo county  Hui'an (惠安县) registry import: {loaded['county']}")
    print(f"  demo people  {loaded['people']} (README: who is who)")
    print(f"  demo campaign {loaded['campaign']} (seed 000)")
    print(f"\n  token:  curl -s -X POST {stack.gateway_url}/dev/token -H 'content-type: application/json' "
          "-d '{\"username\": \"huian-officer\"}'")
    print("Press Ctrl-C to stop.", flush=True)
    supervisor = Supervisor()
    while not stop.is_set():
        stop.wait(0.5)
        for name in stack.revive(supervisor):
            print(f"restarted {name}: it had exited (see {stack.data_dir / 'logs' / name}.log)", file=sys.stderr,
                  flush=True)
    print("stopping …", flush=True)
    codes = stack.stop()
    print("stopped: " + ", ".join(f"{name} ({code})" for name, code in codes.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
