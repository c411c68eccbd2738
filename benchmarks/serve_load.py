"""Load on `clearance serve` over 127.0.0.1: single-query /match throughput and latency.

    .venv/bin/python benchmarks/serve_load.py --home HOME [--workers 2] [--seconds 10]
        [--client httpx|wrk] [--levels 1,2,4,8]

Starts the server (its own process group, stopped at the end), creates a key
with a high rate limit, then for each concurrency level sends single-query
/match requests for a bounded time and prints requests/s with p50/p99 latency
and errors. Only loopback traffic. The client is either this process
(asyncio/httpx, bounded also by --max-requests) or wrk (Debian's `wrk`, with
`wrk_match.lua`): on a 2-core machine the Python client takes a large share of
the CPU the server needs, wrk very little. `--seconds 600 --levels 2 --client wrk`
is the sustained-load run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

NAMES = ["Hikvision", "Chen Quanguo", "Rosneft", "Kim Jong Un", "Acme Trading Ltd", "Ivan Petrov"]


def start(home: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "clearance", "--home", str(home), "serve"]
    command += ["--port", str(port), "--workers", str(workers), "--rate", "100000000"]
    process = subprocess.Popen(command, start_new_session=True)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit("server did not become ready")


async def level(url: str, key: str, concurrency: int, seconds: float, cap: int) -> None:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"ApiKey {key}"}, limits=limits, timeout=30
    ) as client:

        async def worker(offset: int) -> None:
            nonlocal errors
            i = offset
            while time.perf_counter() < deadline and len(latencies) + errors < cap:
                body = {
                    "queries": {
                        "q": {
                            "schema": "LegalEntity",
                            "properties": {"name": [NAMES[i % len(NAMES)]]},
                        }
                    }
                }
                started = time.perf_counter()
                response = await client.post("/match/default", json=body)
                if response.status_code == 200:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1
                i += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"concurrency {concurrency:3d}: {len(latencies) / elapsed:7.1f} req/s  "
        f"p50 {statistics.median(latencies) * 1000:6.1f} ms  p99 {p99 * 1000:6.1f} ms  "
        f"({len(latencies)} ok, {errors} errors)"
    )


def wrk_level(url: str, key: str, concurrency: int, seconds: float) -> None:
    """One level with wrk; the Lua script prints a RESULT line with every figure."""
    script = Path(__file__).with_name("wrk_match.lua")
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{int(seconds)}s", "-s", str(script), url]
    environment = {**os.environ, "CLEARANCE_KEY": key}
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, env=environment
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    figures = dict(part.split("=") for part in line.split()[1:])
    requests, elapsed = int(figures["requests"]), float(figures["seconds"])
    errors = sum(int(figures[k]) for k in ("connect", "read", "write", "status", "timeout"))
    print(
        f"concurrency {concurrency:3d}: {requests / elapsed:7.1f} req/s  "
        f"p50 {float(figures['p50_ms']):6.1f} ms  p99 {float(figures['p99_ms']):6.1f} ms  "
        f"({requests - errors} ok, {errors} errors, {elapsed:.0f} s, wrk)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--levels", default="1,4,16,32")
    parser.add_argument("--client", choices=("httpx", "wrk"), default="httpx")
    args = parser.parse_args()
    if args.client == "wrk" and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "clearance",
            "--home",
            str(args.home),
            "keys",
            "create",
            "--name",
            f"bench-{int(time.time())}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    key = created.stdout.strip().splitlines()[-1]
    process = start(args.home, args.port, args.workers)
    try:
        for concurrency in (int(c) for c in args.levels.split(",")):
            if args.client == "wrk":
                wrk_level(f"http://127.0.0.1:{args.port}", key, concurrency, args.seconds)
                continue
            asyncio.run(
                level(
                    f"http://127.0.0.1:{args.port}",
                    key,
                    concurrency,
                    args.seconds,
                    args.max_requests,
                )
            )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
