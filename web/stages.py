"""The nine stages (九大环节): which stage a BPMN element belongs to, read from the model itself.

The main process groups its work in sub-processes named ``第一环节：…`` to ``第八环节：…``; an
element inside one belongs to that stage. A called process (hearing, expert review …) belongs to
the stage of the call activity that starts it. Nothing here is hard-wired to element ids, so a
remodelled diagram keeps working.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"

STAGE_NAMES: Mapping[int, str] = {
    1: "确定应评事项，明确评估主体",
    2: "开展实地走访，制定评估方案",
    3: "充分听取意见，及时化解矛盾",
    4: "全面分析论证，准确评估风险",
    5: "确定风险等级，制定应急预案",
    6: "提出评估报告，组织专家论证",
    7: "形成专项报告，提交会议审核",
    8: "及时建档备案，落实维稳措施",
    9: "强化风险调控，全程跟踪服务",
}
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_STAGE_NAME = re.compile(r"^第([一二三四五六七八九1-9])环节")


def stage_label(stage: int | None) -> str:
    """``第三环节：充分听取意见…`` or ``—`` when unknown."""
    if stage is None or stage not in STAGE_NAMES:
        return "—"
    numeral = next(k for k, v in _NUMERALS.items() if v == stage)
    return f"第{numeral}环节：{STAGE_NAMES[stage]}"


def stage_of_name(name: str | None) -> int | None:
    """The stage a sub-process name announces (``第三环节：…`` → 3), else None."""
    match = _STAGE_NAME.match(name or "")
    if match is None:
        return None
    token = match.group(1)
    return _NUMERALS.get(token) or int(token)


@dataclass(frozen=True)
class StageMap:
    """Stages of one process definition's elements and of the processes it calls."""

    elements: Mapping[str, int] = field(default_factory=dict)
    called: Mapping[str, int] = field(default_factory=dict)  # called process id → stage


def parse_stage_map(xml: str) -> StageMap:
    """Read a BPMN file's stage sub-processes; an unreadable file gives an empty map."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser)
    except etree.XMLSyntaxError:
        return StageMap()
    elements: dict[str, int] = {}
    called: dict[str, int] = {}
    for sub in root.iter(f"{{{BPMN_NS}}}subProcess"):
        stage = stage_of_name(sub.get("name"))
        if stage is None:
            continue
        for element in sub.iter():
            element_id = element.get("id")
            if element_id:
                elements.setdefault(element_id, stage)
            if element.tag == f"{{{ZEEBE_NS}}}calledElement":
                process_id = element.get("processId")
                if process_id:
                    called.setdefault(process_id, stage)
    return StageMap(elements=elements, called=called)
