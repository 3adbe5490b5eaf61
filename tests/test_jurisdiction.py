from pathlib import Path

import pytest
import yaml

from triage.jurisdiction import load_jurisdiction


def test_default_jurisdiction_has_the_domain_codes(jurisdiction):
    assert set(jurisdiction.departments) >= {"tnmt", "vpdkdd", "ubnd_xa", "thue", "qdd", "mttq"}
    assert len(jurisdiction.departments) == 19
    assert len(jurisdiction.localities) == 15
    assert jurisdiction.localities["duong_lam"].kind == "xa"
    assert jurisdiction.default_department["first_issuance"] == "tnmt"
    assert jurisdiction.default_department["transaction_registration"] == "vpdkdd"
    levels = {g.level for g in jurisdiction.escalation_grounds}
    assert levels == {"city", "central"}
    assert all(g.reason for g in jurisdiction.escalation_grounds)


def test_missing_jurisdiction_is_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="no jurisdiction 'nowhere'"):
        load_jurisdiction("nowhere", data_dir=tmp_path)


def test_default_department_must_exist(tmp_path: Path, jurisdiction):
    target = tmp_path / "broken"
    target.mkdir()
    for path in jurisdiction.directory.glob("*.yaml"):
        (target / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    meta = yaml.safe_load((target / "jurisdiction.yaml").read_text(encoding="utf-8"))
    meta["default_department"]["first_issuance"] = "no_such_department"
    (target / "jurisdiction.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True))
    with pytest.raises(ValueError, match="no_such_department"):
        load_jurisdiction("broken", data_dir=tmp_path)
