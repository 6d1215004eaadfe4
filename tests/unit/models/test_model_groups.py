"""Who gets which task: the candidate groups of the models match the groups staff hold.

The web app (``web/users.py``) signs staff in with candidate groups; a group no model uses is a
desk that never receives work, and a group the web app does not know is work nobody can see.
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from web.users import GROUP_LABELS

from .modelfiles import BPMN_DIR, bpmn_files, dmn_files, flow_nodes, parse, q

HEARING = parse(BPMN_DIR / "hearing.bpmn")
GROUP_CODE = re.compile(r'^"([a-z][a-z-]*)"$')


def _candidate_groups(task: etree._Element) -> str:
    assignment = task.find(f".//{q('zeebe:assignmentDefinition')}")
    assert assignment is not None, task.get("id")
    return assignment.get("candidateGroups", "")


def _literal_groups() -> set[str]:
    """Groups written into the diagrams (``candidateGroups="a,b"``)."""
    out: set[str] = set()
    for path in bpmn_files():
        for task in parse(path).iter(q("bpmn:userTask")):
            groups = _candidate_groups(task)
            if not groups.startswith("="):
                out |= {g.strip() for g in groups.split(",")}
    return out


def _decided_groups() -> set[str]:
    """Groups a decision hands out (outputs named ``…Group``: approving body, colour routing)."""
    out: set[str] = set()
    for path in dmn_files():
        for table in parse(path).iter(q("dmn:decisionTable")):
            names = [o.get("name", "") for o in table.iterchildren(q("dmn:output"))]
            for rule in table.iterchildren(q("dmn:rule")):
                entries = list(rule.iterchildren(q("dmn:outputEntry")))
                for name, entry in zip(names, entries, strict=True):
                    match = GROUP_CODE.match((entry.findtext(q("dmn:text")) or "").strip())
                    if name.endswith("Group") and match:
                        out.add(match.group(1))
    return out


def test_models_and_web_app_know_the_same_candidate_groups() -> None:
    used = _literal_groups() | _decided_groups()
    assert used - set(GROUP_LABELS) == set(), "tasks for a group no member of staff holds"
    assert set(GROUP_LABELS) - used == set(), "a desk the models never send work to"


def test_hearing_record_is_made_by_the_third_party_hearing_staff() -> None:
    """DOMAIN.md §5.6: hearing officers and recorders are staff of a third-party body."""
    [record] = [t for t in HEARING.iter(q("bpmn:userTask")) if t.get("id") == "Task_RecordHearing"]
    # only the hearing staff: the responsible subject organises the hearing and follows the task
    # on the case page, but does not write the third party's record itself
    assert _candidate_groups(record) == "hearing-staff"


def _user_tasks() -> list[object]:
    return [
        pytest.param(root, task, id=task.get("id"))
        for root in map(parse, bpmn_files())
        for task in root.iter(q("bpmn:userTask"))
    ]


def _notify_group(notifier: etree._Element) -> str:
    """The ``notifyGroup`` of a notify task: its header, or the FEEL its input mapping reads."""
    for header in notifier.iter(q("zeebe:header")):
        if header.get("key") == "notifyGroup":
            return header.get("value", "")
    for mapping in notifier.iter(q("zeebe:input")):
        if mapping.get("target") == "notifyGroup":
            return mapping.get("source", "")
    return ""


@pytest.mark.parametrize(("root", "task"), _user_tasks())
def test_reminder_goes_to_the_group_the_task_is_offered_to(
    root: etree._Element, task: etree._Element
) -> None:
    """tools/README.md: at the due date a reminder to the task's group (escalations go to the
    Political-Legal Commission)."""
    tid = task.get("id")
    groups = _candidate_groups(task)
    # "=[routing.caseLeaderGroup]" is offered to the group the notifier reads as "=routing…"
    expected = f"={groups[2:-1]}" if groups.startswith("=[") else groups
    nodes = {n.get("id"): n for n in flow_nodes(root)}
    flows = {f.get("sourceRef"): f.get("targetRef") for f in root.iter(q("bpmn:sequenceFlow"))}
    reminders = [
        nodes[flows[b.get("id")]]
        for b in root.iter(q("bpmn:boundaryEvent"))
        if b.get("attachedToRef") == tid
        and any(
            h.get("key") == "notifyKind" and h.get("value") == "reminder"
            for h in nodes[flows[b.get("id")]].iter(q("zeebe:header"))
        )
    ]
    assert len(reminders) == 1, tid
    assert _notify_group(reminders[0]) == expected, tid
