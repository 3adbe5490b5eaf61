"""HTTP benchmark: the API served by uvicorn on 127.0.0.1, driven by a bounded load generator.

`bench_api()` starts `uvicorn api.main:create_app` in a subprocess on a free port, with a
throwaway SQLite database and var/ directory (the promoted model of `models/` unless the
environment says otherwise), then measures with a fixed number of requests from a fixed number
of client threads (httpx):

- single-opinion triage (`POST /api/v1/triage`), and
- 1,000-opinion batches (`POST /api/v1/batches`, stored, with duplicate grouping).

It reports requests/s and p50/p95 latency of each. Speed is measured here, never asserted.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from triage.settings import PROJECT_ROOT


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


class Server:
    """uvicorn in a subprocess, with its own database and var/ directory."""

    def __init__(self, env: dict[str, str] | None = None, workers: int = 1) -> None:
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="triage-bench-"))
        self.env = {
            **os.environ,
            "TRIAGE_DATABASE_URL": f"sqlite:///{self.tmp / 'bench.db'}",
            "TRIAGE_VAR_DIR": str(self.tmp / "var"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                        os.environ.get("PYTHONPATH")])),
            **(env or {}),
        }
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.log = (self.tmp / "server.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning",
             "--workers", str(self.workers)],
            cwd=PROJECT_ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self._wait()
        return self

    def _wait(self, timeout: float = 180) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited: {self.log_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base}/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("uvicorn did not start in time")

    def log_text(self) -> str:
        return (self.tmp / "server.log").read_text(encoding="utf-8", errors="replace")

    @property
    def api_key(self) -> str:
        return (self.tmp / "var" / "admin-api-key.txt").read_text(encoding="utf-8").strip()

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def drive(
    base: str, key: str, requests: list[tuple[str, dict[str, Any]]], concurrency: int,
    timeout: float = 600,
) -> dict[str, Any]:
    """Sends the requests (path, JSON body) from `concurrency` threads; latencies in ms."""
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    pending = list(reversed(requests))

    def worker() -> None:
        with httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=timeout) as http:
            while True:
                with lock:
                    if not pending:
                        return
                    path, body = pending.pop()
                started = time.perf_counter()
                response = http.post(path, json=body)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if response.status_code >= 300:
                        errors.append(f"{response.status_code}: {response.text[:200]}")

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    return {
        "requests": len(requests),
        "concurrency": concurrency,
        "seconds": round(seconds, 2),
        "requests_per_s": round(len(requests) / seconds, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
    }


def bench_api(
    *, single_requests: int = 300, single_concurrency: int = 4, batch_requests: int = 5,
    batch_size: int = 1000, batch_concurrency: int = 1, env: dict[str, str] | None = None,
    texts: Callable[[int, int], list[str]] | None = None,
) -> dict[str, Any]:
    if texts is None:
        from triage.bench import generate_opinions

        texts = generate_opinions
    with Server(env) as server:
        key = server.api_key
        warm = [("/api/v1/triage", {"text": t}) for t in texts(8, 99)]
        drive(server.base, key, warm, 1)
        singles = [("/api/v1/triage", {"text": t}) for t in texts(single_requests, 1)]
        single = drive(server.base, key, singles, single_concurrency)
        batches = [
            ("/api/v1/batches", {"items": [{"text": t} for t in texts(batch_size, 100 + i)],
                                 "client_batch_id": f"bench-{i}"})
            for i in range(batch_requests)
        ]
        batch = drive(server.base, key, batches, batch_concurrency)
        batch["opinions_per_request"] = batch_size
        batch["opinions_per_s"] = round(batch_size * batch_requests / batch["seconds"])
    return {"single_triage": single, "batch": batch, "server": "uvicorn, 1 worker, SQLite"}


def format_report(result: dict[str, Any]) -> str:
    lines = [f"HTTP API ({result['server']}, load generator on 127.0.0.1)"]
    size = result["batch"]["opinions_per_request"]
    for name, label in (("single_triage", "POST /triage, one opinion"),
                        ("batch", f"POST /batches, {size:,} opinions")):
        r = result[name]
        lines.append(
            f"  {label:<32} {r['requests']:>5} requests, {r['concurrency']} client threads: "
            f"{r['requests_per_s']:>7.1f} req/s, p50 {r['p50_ms']:>8.1f} ms, "
            f"p95 {r['p95_ms']:>8.1f} ms, errors {r['errors']}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m api.bench")
    parser.add_argument("--single", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = bench_api(single_requests=args.single, single_concurrency=args.concurrency,
                       batch_requests=args.batches, batch_size=args.batch_size)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json
          else format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
