"""``bindingType`` of business-rule tasks and linked forms (latest, deployment, versionTag), and
the limits the store puts on deployed resources."""

import json

import pytest

from engine.api import Resource
from engine.errors import InvalidArgument

from .support import END, START, Harness, bpmn, chain
from .test_user_tasks_and_decisions import DMN

ZEEBE_NS = 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"'


def _dmn(low: str, tag: str | None = None) -> bytes:
    """The risk DRG with another output for low scores and optionally a version tag."""
    text = DMN.replace(b'"low"', f'"{low}"'.encode())
    text = text.replace(b"<definitions ", f"<definitions {ZEEBE_NS} ".encode())
    if tag is not None:
        text = text.replace(
            b'<decision id="Decision_Level" name="Level">',
            b'<decision id="Decision_Level" name="Level"><extensionElements>'
            + f'<zeebe:versionTag value="{tag}"/>'.encode()
            + b"</extensionElements>",
        )
    return text


def _rule_task(binding: str) -> str:
    return (
        '<bpmn:businessRuleTask id="decide"><bpmn:extensionElements>'
        f'<zeebe:calledDecision decisionId="Decision_Level" resultVariable="level" {binding}/>'
        "</bpmn:extensionElements></bpmn:businessRuleTask>"
    )


def test_decision_bound_by_deployment_ignores_later_versions(h: Harness) -> None:
    process = bpmn(chain(START, _rule_task('bindingType="deployment"'), END))
    h.engine.deploy([Resource("risk.dmn", _dmn("v1")), Resource("p.bpmn", process)])
    h.engine.deploy([Resource("risk.dmn", _dmn("v2"))])
    pi = h.start(score=10)
    assert h.variables(pi)["level"] == "v1"


def test_decision_bound_by_version_tag_survives_a_restart(h: Harness) -> None:
    h.engine.deploy([Resource("risk.dmn", _dmn("tagged", tag="2024"))])
    h.engine.deploy([Resource("risk.dmn", _dmn("untagged"))])
    binding = 'bindingType="versionTag" versionTag="2024"'
    h.deploy(bpmn(chain(START, _rule_task(binding), END)))
    h.reopen()  # the tag is read back from the store
    assert h.variables(h.start(score=10))["level"] == "tagged"


def test_missing_tagged_decision_is_an_incident_naming_the_tag(h: Harness) -> None:
    h.engine.deploy([Resource("risk.dmn", _dmn("untagged"))])
    binding = 'bindingType="versionTag" versionTag="2024"'
    h.deploy(bpmn(chain(START, _rule_task(binding), END)))
    [incident] = h.incidents(h.start(score=10))
    assert incident.value["errorType"] == "CALLED_DECISION_ERROR"
    assert "version tag '2024'" in incident.value["errorMessage"]


def _form(tag: str | None) -> bytes:
    form: dict[str, object] = {"id": "Form_Review", "type": "default", "components": []}
    if tag is not None:
        form["versionTag"] = tag
    return json.dumps(form).encode()


def _user_task(binding: str) -> str:
    return (
        '<bpmn:userTask id="review"><bpmn:extensionElements><zeebe:userTask/>'
        f'<zeebe:formDefinition formId="Form_Review" {binding}/>'
        "</bpmn:extensionElements></bpmn:userTask>"
    )


def _form_key(h: Harness, pi: int) -> object:
    return next(
        r.value["formKey"]
        for r in h.records(pi)
        if r.value_type == "USER_TASK" and r.intent == "CREATED"
    )


def test_form_bound_by_deployment_or_version_tag(h: Harness) -> None:
    by_deployment = bpmn(chain(START, _user_task('bindingType="deployment"'), END), "p_dep")
    v1 = h.engine.deploy(
        [Resource("review.form", _form("1.0")), Resource("p_dep.bpmn", by_deployment)]
    )
    v2 = h.engine.deploy([Resource("review.form", _form("2.0"))])
    v3 = h.engine.deploy([Resource("review.form", _form(None))])
    by_tag = _user_task('bindingType="versionTag" versionTag="2.0"')
    h.deploy(bpmn(chain(START, by_tag, END), "p_tag"), "p_tag.bpmn")
    h.deploy(bpmn(chain(START, _user_task(""), END), "p_latest"), "p_latest.bpmn")
    assert _form_key(h, h.start("p_dep")) == v1.forms[0].form_key
    assert _form_key(h, h.start("p_tag")) == v2.forms[0].form_key
    assert _form_key(h, h.start("p_latest")) == v3.forms[0].form_key


@pytest.mark.parametrize("name", ["r" * 513 + ".bpmn", "nul\x00.bpmn"])
def test_a_resource_name_the_store_cannot_keep_is_an_invalid_argument(
    h: Harness, name: str
) -> None:
    with pytest.raises(InvalidArgument, match="resource name of at most 512 characters"):
        h.engine.deploy([Resource(name, bpmn(chain(START, END)))])
    h.deploy(bpmn(chain(START, END)))  # the store is still usable


def test_resources_deployed_together_are_versioned_together(h: Harness) -> None:
    """Zeebe: an unchanged resource deployed beside a changed one gets a new version too, so
    that bindingType="deployment" finds it; a deployment of duplicates only changes nothing."""
    process = bpmn(chain(START, _rule_task('bindingType="deployment"'), END))
    first = h.engine.deploy([Resource("risk.dmn", _dmn("v1")), Resource("p.bpmn", process)])
    again = h.engine.deploy([Resource("risk.dmn", _dmn("v1")), Resource("p.bpmn", process)])
    assert again.decisions[0].decision_key == first.decisions[0].decision_key
    changed = process.replace(b"</bpmn:definitions>", b"<!-- v2 --></bpmn:definitions>")
    mixed = h.engine.deploy([Resource("risk.dmn", _dmn("v1")), Resource("p.bpmn", changed)])
    assert mixed.decisions[0].version == 2 and mixed.processes[0].version == 2
    assert h.variables(h.start(score=10))["level"] == "v1"
