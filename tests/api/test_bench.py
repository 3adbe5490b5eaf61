"""The HTTP benchmark runs end to end (a real uvicorn on 127.0.0.1); numbers are not asserted."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.bench import bench_api, format_report, percentile


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 95) == 95.0
    assert percentile([7.0], 95) == 7.0


@pytest.mark.slow
def test_bench_drives_a_real_server(seed_models: Path, api_data_dir: Path) -> None:
    result = bench_api(single_requests=12, single_concurrency=3, batch_requests=2,
                       batch_size=40, env={"TRIAGE_MODELS_DIR": str(seed_models),
                                           "TRIAGE_DATA_DIR": str(api_data_dir)})
    single, batch = result["single_triage"], result["batch"]
    assert single["requests"] == 12 and single["errors"] == 0, single["first_error"]
    assert batch["requests"] == 2 and batch["errors"] == 0, batch["first_error"]
    assert 0 < single["p50_ms"] <= single["p95_ms"]
    assert batch["opinions_per_request"] == 40 and batch["requests_per_s"] > 0
    report = format_report(result)
    assert "POST /triage" in report and "POST /batches, 40 opinions" in report
