"""``make bench``: figures, each beside a ceiling measured the same way in the same run.

First the real shape (``tests.bench.shape``): the processes ``make run`` starts, on SQLite and, when a
PostgreSQL server answers, on PostgreSQL, driven by wrk from its own process, beside a bare FastAPI POST,
a bare FastAPI → grpc.aio passthrough and a bare INSERT + COMMIT. Then the growth and domain figures
(event propagation, a 3,000-unit vote tally, county figures over a million cases, the registry import).
Prints a table; asserts nothing about timings (benchmarks are not tests).
"""

from __future__ import annotations

import asyncio
import os

from deploy.localstack import LOCAL_DEFAULTS
from tests.bench import complaints as complaints_bench
from tests.bench import propagation, shape
from tests.bench import registry_import as registry_import_bench
from tests.bench import votes as votes_bench
from wuye_chassis.telemetry import setup_telemetry


async def growth() -> list[tuple[str, str, str, str]]:
    setup_telemetry("wuye-bench")  # no exporter: traced as `make run` traces (no span per SQL statement)
    for key, value in LOCAL_DEFAULTS.items():  # the services started in this process sign who acts, as make run's
        os.environ.setdefault(key, value)
    rows = await propagation.run()
    rows += await votes_bench.run()
    full = bool(os.environ.get("WUYE_BENCH_FULL"))  # the largest sizes take minutes more: WUYE_BENCH_FULL=1
    rows += await complaints_bench.run([100_000, 1_000_000, *([3_000_000] if full else [])])
    rows += await registry_import_bench.run(1_000_000 if full else 100_000)
    return rows


def table(rows: list[tuple[str, str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'rate':>10}  {'p50 / p99':>18}  ratio to ceiling", flush=True)
    for name, rate, latency, ratio in rows:
        print(f"{name:<{width}}  {rate:>10}  {latency:>18}  {ratio}", flush=True)


def main() -> None:
    # each part's table as soon as it is measured: a failure later does not lose the figures before it
    table(shape.run())
    table(asyncio.run(growth()))


if __name__ == "__main__":
    main()
