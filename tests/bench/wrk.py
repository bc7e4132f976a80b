"""The load generator: wrk (Debian's package) in its own process, with Lua scripts for bodies and keys.

``run`` drives one URL at a number of connections for a duration and returns the rate, p50/p99 and the
non-2xx count from wrk's own latency histogram (a Lua ``done`` hook prints them as JSON). POST bodies get
a unique ``Idempotency-Key`` per request (thread id and counter), so every request is a new create.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUMMARY = """
done = function(summary, latency, requests)
  io.write(string.format('WRK{"requests": %d, "duration_us": %d, "non2xx": %d, "errors": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""

POST = """
local counter = 0
local threads = 0
thread_id = 0  -- a global: setup() sets it in each thread's own Lua state
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
request = function()
  counter = counter + 1
  local headers = {}
  for key, value in pairs(wrk.headers) do headers[key] = value end
  headers["Idempotency-Key"] = string.format("%s-%d-%d", KEY_PREFIX, thread_id, counter)
  return wrk.format("POST", nil, headers, BODY)
end
"""


@dataclass(frozen=True)
class Result:
    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    failed: int  # non-2xx answers and socket errors

    def latency(self) -> str:
        return f"{self.p50_ms:.1f} / {self.p99_ms:.1f} ms"


def available() -> bool:
    return shutil.which("wrk") is not None


def run(
    url: str,
    *,
    connections: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    key_prefix: str = "bench",
) -> Result:
    """GET ``url`` (or POST ``body`` with a fresh Idempotency-Key per request) for ``seconds``."""
    script = SUMMARY
    if body is not None:
        script = f"KEY_PREFIX = {json.dumps(key_prefix)}\nBODY = {json.dumps(body, ensure_ascii=False)}\n" + POST + script
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.lua"
        path.write_text(script, encoding="utf-8")
        command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
                   "-s", str(path)]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRK"))
    summary = json.loads(line[3:])
    seconds_taken = summary["duration_us"] / 1e6
    return Result(
        rate=summary["requests"] / seconds_taken,
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        requests=summary["requests"],
        failed=summary["non2xx"] + summary["errors"],
    )
