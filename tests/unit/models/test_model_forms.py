"""Forms in forms/: one per linked formId, Chinese labels, validation where a staff member types."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .modelfiles import (
    FORMS_DIR,
    bpmn_files,
    dmn_files,
    form_components,
    form_files,
    load_form,
    parse,
    q,
)

FORMS = form_files()
CJK = re.compile(r"[\u4e00-\u9fff]")
INPUTS = {"textfield", "textarea", "number", "select", "datetime", "checkbox", "taglist", "radio"}


def _name(path: Path) -> str:
    return path.name


def _inputs(form: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in form_components(form) if c.get("type") in INPUTS]


@pytest.mark.parametrize("path", FORMS, ids=_name)
def test_form_header(path: Path) -> None:
    form = load_form(path)
    assert form["id"] == path.stem, "the file is named after its formId"
    assert form["type"] == "default"
    assert 1 <= form["schemaVersion"] <= 19, "form-js viewer 1.23 reads up to schemaVersion 19"
    assert form["executionPlatform"] == "Camunda Cloud"


@pytest.mark.parametrize("path", FORMS, ids=_name)
def test_fields_have_unique_keys_and_chinese_labels(path: Path) -> None:
    form = load_form(path)
    fields = _inputs(form)
    assert fields, "a form collects something"
    ids = [c["id"] for c in form_components(form)]
    assert len(ids) == len(set(ids)), "component ids are unique"
    # keys are unique within their scope (top level or one dynamic list)
    scopes: list[list[dict[str, Any]]] = [form["components"]]
    scopes += [c["components"] for c in form_components(form) if c["type"] == "dynamiclist"]
    for scope in scopes:
        keys = [c["key"] for c in scope if c.get("type") in INPUTS]
        assert len(keys) == len(set(keys)), keys
    for c in fields:
        label = c.get("label") or c.get("dateLabel") or ""
        assert CJK.search(label), f"{c['key']}: label must be Chinese"


@pytest.mark.parametrize("path", FORMS, ids=_name)
def test_free_text_and_numbers_are_bounded(path: Path) -> None:
    """Every text has a maximum length and every number a range; every form requires something."""
    fields = _inputs(load_form(path))
    for c in fields:
        rules = c.get("validate", {})
        if c["type"] in {"textfield", "textarea"}:
            assert "maxLength" in rules or "pattern" in rules, c["key"]
        if c["type"] == "number":
            assert "min" in rules and "max" in rules, c["key"]
        if c["type"] in {"select", "taglist"}:
            assert c.get("values"), c["key"]
            assert all(CJK.search(v["label"]) for v in c["values"]), c["key"]
    assert any(c.get("validate", {}).get("required") for c in fields)


def test_every_form_is_used_by_a_user_task() -> None:
    used = {d.get("formId") for p in bpmn_files() for d in parse(p).iter(q("zeebe:formDefinition"))}
    unused = sorted(p.stem for p in FORMS if p.stem not in used)
    assert unused == []


def test_registration_form_collects_what_the_register_worker_requires() -> None:
    """The names VARIABLES.md gives for ``wenping-register-item`` and the catalogue DMN inputs."""
    fields = _inputs(load_form(FORMS_DIR / "form-item-registration.form"))
    keys = {c["key"] for c in fields}
    required = {c["key"] for c in fields if c.get("validate", {}).get("required")}
    assert {"itemName", "itemType", "jurisdiction", "responsibleUnit"} <= required
    assert {"affectedHouseholds", "involvesLandTaking", "nimbyFacility", "especiallyMajor"} <= keys


def test_registration_form_and_register_worker_allow_the_same_household_counts() -> None:
    """The worker refuses what the form would refuse, so a client bypassing the form cannot
    store a count staff could not enter."""
    from workers.items.models import MAX_HOUSEHOLDS

    (field,) = [
        c
        for c in _inputs(load_form(FORMS_DIR / "form-item-registration.form"))
        if c["key"] == "affectedHouseholds"
    ]
    assert (field["validate"]["min"], field["validate"]["max"]) == (0, MAX_HOUSEHOLDS)


def test_risk_register_collects_each_risk_point() -> None:
    form = load_form(FORMS_DIR / "form-risk-register.form")
    lists = [c for c in form_components(form) if c["type"] == "dynamiclist"]
    assert [c["path"] for c in lists] == ["riskPoints"]
    item_keys = {c["key"] for c in lists[0]["components"]}
    assert {
        "factor",
        "probability",
        "impact",
        "measure",
        "responsibleUnit",
        "deadline",
    } <= item_keys


def _dmn_input_values() -> dict[str, set[str]]:
    """Allowed values of DMN inputs that read one variable or field directly, e.g. ``itemType``."""
    allowed: dict[str, set[str]] = {}
    for path in dmn_files():
        for inp in parse(path).iter(q("dmn:input")):
            expr = inp.find(f"{q('dmn:inputExpression')}/{q('dmn:text')}")
            values = inp.find(f"{q('dmn:inputValues')}/{q('dmn:text')}")
            if expr is None or values is None or not re.fullmatch(r"[\w.]+", expr.text or ""):
                continue
            # ``riskPoint.probability`` is the ``probability`` field of a risk point
            name = (expr.text or "").rsplit(".", 1)[-1]
            allowed[name] = set(re.findall(r'"([^"]*)"', values.text or ""))
    return allowed


def test_select_codes_are_the_codes_the_decisions_expect() -> None:
    allowed = _dmn_input_values()
    assert {"itemType", "probability", "impact"} <= set(allowed)
    for path in FORMS:
        for c in _inputs(load_form(path)):
            if c["type"] == "select" and c["key"] in allowed:
                offered = {v["value"] for v in c["values"]}
                assert offered <= allowed[c["key"]], f"{path.name} {c['key']}: {offered}"
