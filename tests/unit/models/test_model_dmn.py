"""Structure of the decision tables in dmn/: DMN 1.3 as Camunda Modeler writes it, Camunda 8 hit
policies, a version tag and a jurisdiction on every decision, and the source of every number."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from engine.dmn import parse_dmn

from .modelfiles import ROOT, dmn_files, parse, q

DMN = dmn_files()
XSD = ROOT.parent / "shared" / "dmn-tck" / "TestCases" / "DMN13.xsd"
CAMUNDA8_HIT_POLICIES = {"UNIQUE", "FIRST", "ANY", "RULE ORDER", "COLLECT"}
# Where each row's numbers come from (DOMAIN.md): law, Baiyin practice, an unverified provincial
# guide, or a choice made for this system.
SOURCE_TAGS = ("【法规】", "【白银实践】", "【参考指引，未核实】", "【设计选择】")
JURISDICTION = "{urn:wenping:dmn:1.0}jurisdiction"


def _name(path: Path) -> str:
    return path.name


def test_the_decisions_the_process_needs_exist() -> None:
    ids = {d.get("id") for p in DMN for d in parse(p).iter(q("dmn:decision"))}
    assert {
        "Decision_AssessmentRequired",
        "Decision_SurveySampleMinimum",
        "Decision_NoticePeriods",
        "Decision_HearingRequired",
        "Decision_FactorRiskDegree",
        "Decision_DirectRiskLevel",
        "Decision_ScoreRiskLevel",
        "Decision_OverallRiskLevel",
        "Decision_ColourRouting",
        "Decision_ResultGate",
    } <= ids
    counts = Counter(d.get("id") for p in DMN for d in parse(p).iter(q("dmn:decision")))
    assert [i for i, n in counts.items() if n > 1] == [], "decision ids are unique across files"


@pytest.mark.parametrize("path", DMN, ids=_name)
def test_valid_dmn13(path: Path) -> None:
    assert XSD.is_file(), f"the OMG DMN 1.3 schema is expected at {XSD}"
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.parse(str(path))
    assert schema.validate(doc), str(schema.error_log)
    root = doc.getroot()
    assert root.get("{http://camunda.org/schema/modeler/1.0}executionPlatform") == "Camunda Cloud"


@pytest.mark.parametrize("path", DMN, ids=_name)
def test_embedded_engine_parses_every_cell(path: Path) -> None:
    drg = parse_dmn(path.read_bytes(), path.name)
    assert set(drg.decisions) == {d.get("id") for d in parse(path).iter(q("dmn:decision"))}


@pytest.mark.parametrize("path", DMN, ids=_name)
def test_every_decision_has_version_tag_jurisdiction_and_description(path: Path) -> None:
    for decision in parse(path).iter(q("dmn:decision")):
        did = decision.get("id")
        tag = decision.find(f"{q('dmn:extensionElements')}/{q('zeebe:versionTag')}")
        assert tag is not None and tag.get("value"), f"{did}: no zeebe:versionTag"
        assert decision.get(JURISDICTION), f"{did}: no wenping:jurisdiction"
        description = decision.findtext(q("dmn:description")) or ""
        assert len(description) > 10, f"{did}: the description says what the table is for"


@pytest.mark.parametrize("path", DMN, ids=_name)
def test_tables_use_camunda8_hit_policies_and_complete_rows(path: Path) -> None:
    for table in parse(path).iter(q("dmn:decisionTable")):
        policy = table.get("hitPolicy", "UNIQUE")
        assert policy in CAMUNDA8_HIT_POLICIES, f"{table.get('id')}: {policy}"
        inputs = table.findall(q("dmn:input"))
        outputs = table.findall(q("dmn:output"))
        assert inputs and outputs
        assert all(o.get("name") for o in outputs), "outputs are named (result keys)"
        assert all(i.get("label") and o.get("label") for i in inputs for o in outputs)
        rules = table.findall(q("dmn:rule"))
        assert rules
        for n, rule in enumerate(rules, 1):
            assert len(rule.findall(q("dmn:inputEntry"))) == len(inputs), f"row {n}"
            assert len(rule.findall(q("dmn:outputEntry"))) == len(outputs), f"row {n}"


@pytest.mark.parametrize("path", DMN, ids=_name)
def test_every_row_says_where_its_numbers_come_from(path: Path) -> None:
    for table in parse(path).iter(q("dmn:decisionTable")):
        for n, rule in enumerate(table.findall(q("dmn:rule")), 1):
            text = rule.findtext(q("dmn:description")) or ""
            assert text.startswith(SOURCE_TAGS), f"{table.get('id')} row {n}: {text!r}"


def test_required_decisions_are_bound_by_id() -> None:
    """A required decision's result is read under its id, as Camunda 8's engine binds it."""
    for path in DMN:
        root = parse(path)
        required = {(r.get("href") or "").lstrip("#") for r in root.iter(q("dmn:requiredDecision"))}
        for decision in root.iter(q("dmn:decision")):
            if decision.get("id") in required:
                variable = decision.find(q("dmn:variable"))
                assert variable is not None and variable.get("name") == decision.get("id")
