from triage.route import RoutingTable


def test_routing_table_loads_and_names_only_known_departments(jurisdiction):
    table = RoutingTable.load(jurisdiction)
    assert table.rules
    assert set(table.allowed) == {"first_issuance", "transaction_registration", "off_topic"}
    for rule in table.rules:
        assert rule.department in jurisdiction.departments


def test_fee_rule_matches_folded_text_only_for_its_categories(jurisdiction):
    table = RoutingTable.load(jurisdiction)
    fee = next(r for r in table.rules if r.department == "thue")
    text = "de nghi giam tien su dung dat khi cap giay chung nhan lan dau"
    assert fee.matches(text, text, "first_issuance")
    assert not fee.matches(text, text, "off_topic")
    other = "de nghi sua duong lien thon"
    assert not fee.matches(other, other, "first_issuance")
