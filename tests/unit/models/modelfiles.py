"""Reading the deployable models (bpmn/, dmn/, forms/) for the model-hygiene tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parents[3]
BPMN_DIR = ROOT / "bpmn"
DMN_DIR = ROOT / "dmn"
FORMS_DIR = ROOT / "forms"

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "zeebe": "http://camunda.org/schema/zeebe/1.0",
    "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
}

# Flow elements that must appear in the diagram (everything a process owner sees).
FLOW_NODE_TAGS = (
    "startEvent",
    "endEvent",
    "intermediateThrowEvent",
    "intermediateCatchEvent",
    "boundaryEvent",
    "userTask",
    "serviceTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "scriptTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
)


def bpmn_files() -> list[Path]:
    return sorted(BPMN_DIR.glob("*.bpmn"))


def dmn_files() -> list[Path]:
    return sorted(DMN_DIR.glob("*.dmn"))


def form_files() -> list[Path]:
    return sorted(FORMS_DIR.glob("*.form"))


def parse(path: Path) -> etree._Element:
    return etree.parse(str(path)).getroot()


def q(tag: str) -> str:
    """Clark notation for ``prefix:local``."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


def flow_nodes(root: etree._Element) -> Iterator[etree._Element]:
    for tag in FLOW_NODE_TAGS:
        yield from root.iter(q(f"bpmn:{tag}"))


def local_name(el: etree._Element) -> str:
    return etree.QName(el).localname


def load_form(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def form_components(form: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every component of a form, nested ones (groups, dynamic lists) included."""
    stack = list(form.get("components", []))
    while stack:
        comp = stack.pop(0)
        yield comp
        stack = list(comp.get("components", [])) + stack


@dataclass(frozen=True)
class Box:
    """A diagram shape's bounds."""

    element_id: str
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.x + other.w <= self.x + self.w
            and other.y + other.h <= self.y + self.h
        )

    def crossed_by(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        """Whether an axis-parallel segment runs through the inside of the box."""
        (x1, y1), (x2, y2) = a, b
        if x1 == x2:
            lo, hi = sorted((y1, y2))
            return self.x + 1 < x1 < self.x + self.w - 1 and lo < self.y + self.h and hi > self.y
        if y1 == y2:
            lo, hi = sorted((x1, x2))
            return self.y + 1 < y1 < self.y + self.h - 1 and lo < self.x + self.w and hi > self.x
        return False


def planes(root: etree._Element) -> list[etree._Element]:
    """The diagram's planes: the process's, and one per collapsed (drill-down) sub-process."""
    return list(root.iter(q("bpmndi:BPMNPlane")))


def shapes(root: etree._Element) -> dict[str, Box]:
    """Bounds of the shapes under ``root`` (a whole file or one plane), by element id."""
    out: dict[str, Box] = {}
    for shape in root.iter(q("bpmndi:BPMNShape")):
        b = shape.find(q("dc:Bounds"))
        assert b is not None
        eid = shape.get("bpmnElement", "")
        out[eid] = Box(
            eid,
            float(b.get("x", "0")),
            float(b.get("y", "0")),
            float(b.get("width", "0")),
            float(b.get("height", "0")),
        )
    return out


def edges(root: etree._Element) -> dict[str, list[tuple[float, float]]]:
    """Waypoints of the edges under ``root`` (a whole file or one plane), by flow id."""
    out: dict[str, list[tuple[float, float]]] = {}
    for edge in root.iter(q("bpmndi:BPMNEdge")):
        out[edge.get("bpmnElement", "")] = [
            (float(w.get("x", "0")), float(w.get("y", "0"))) for w in edge.iter(q("di:waypoint"))
        ]
    return out
