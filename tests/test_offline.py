"""Nothing downloads models or data at run time: triage works with no network at all."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TRIAGE = str(Path(sys.executable).parent / "triage")
SAMPLE = Path(__file__).parent / "fixtures" / "intake" / "form_web.jsonl"


def _network_namespace_available() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _network_namespace_available(),
                    reason="needs `unshare -n` (root) to cut the network off")
def test_triage_runs_without_network():
    result = subprocess.run(["unshare", "-n", TRIAGE, "run", str(SAMPLE)],
                            capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.count(b'"category"') >= 4
