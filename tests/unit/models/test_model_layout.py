"""Every diagram can be read in Camunda Modeler: complete DI, no overlaps, edges drawn cleanly.

A diagram may have several planes: the process's, and one per collapsed sub-process that Camunda
Modeler and the bpmn-js viewer open by drill-down. Coordinates are per plane, so shapes are
compared only with shapes of the same plane.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from lxml import etree

from .modelfiles import Box, bpmn_files, edges, flow_nodes, parse, planes, q, shapes

BPMN = bpmn_files()
# Camunda Modeler's "fit to viewport" on a 1920-px screen shows a wider plane with its 12-px
# labels shrunk below about 8 px: the main process used to be 10,400 px wide in one plane.
MAX_PLANE_WIDTH = 2800


def _name(path: Path) -> str:
    return path.name


@pytest.mark.parametrize("path", BPMN, ids=_name)
def test_every_flow_element_has_a_shape_or_edge(path: Path) -> None:
    root = parse(path)
    drawn_shapes, drawn_edges = shapes(root), edges(root)
    nodes = [n.get("id", "") for n in flow_nodes(root)]
    flows = [f.get("id", "") for f in root.iter(q("bpmn:sequenceFlow"))]
    assert nodes and flows
    assert [n for n in nodes if n not in drawn_shapes] == []
    assert [f for f in flows if f not in drawn_edges] == []
    short = [f for f in flows if len(drawn_edges[f]) < 2]
    assert short == [], f"edges without waypoints: {short}"
    plane = root.find(f".//{q('bpmndi:BPMNPlane')}")
    assert plane is not None
    assert plane.get("bpmnElement") in {p.get("id") for p in root.iter(q("bpmn:process"))}


def _collapsed(root: etree._Element) -> set[str]:
    return {
        s.get("bpmnElement", "")
        for s in root.iter(q("bpmndi:BPMNShape"))
        if s.get("isExpanded") == "false"
    }


def _home_plane(el: etree._Element, collapsed: set[str]) -> str:
    """The plane an element is drawn on: its nearest collapsed sub-process, else the process."""
    for ancestor in el.iterancestors():
        if ancestor.get("id") in collapsed or ancestor.tag == q("bpmn:process"):
            return ancestor.get("id", "")
    raise AssertionError(el.get("id"))


@pytest.mark.parametrize("path", BPMN, ids=_name)
def test_each_element_is_drawn_on_the_plane_it_belongs_to(path: Path) -> None:
    """A collapsed sub-process opens on its own plane holding exactly its content."""
    root = parse(path)
    collapsed = _collapsed(root)
    on_plane = {
        di.get("bpmnElement", ""): plane.get("bpmnElement", "")
        for plane in planes(root)
        for di in plane
    }
    assert {p.get("bpmnElement") for p in planes(root)[1:]} == collapsed
    elements = [*flow_nodes(root), *root.iter(q("bpmn:sequenceFlow"))]
    misplaced = [
        el.get("id")
        for el in elements
        if on_plane.get(el.get("id", "")) != _home_plane(el, collapsed)
    ]
    assert misplaced == []


@pytest.mark.parametrize("path", BPMN, ids=_name)
def test_every_plane_is_readable_at_a_glance(path: Path) -> None:
    for plane in planes(parse(path)):
        boxes = list(shapes(plane).values())
        width = max(b.x + b.w for b in boxes) - min(b.x for b in boxes)
        assert width <= MAX_PLANE_WIDTH, f"{plane.get('bpmnElement')}: {width:.0f} px wide"


def _is_inside(el: etree._Element, container: etree._Element) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent is container:
            return True
        parent = parent.getparent()
    return False


@pytest.mark.parametrize("path", BPMN, ids=_name)
def test_shapes_do_not_overlap(path: Path) -> None:
    root = parse(path)
    elements = {n.get("id", ""): n for n in flow_nodes(root)}
    hosts = {b.get("id"): b.get("attachedToRef") for b in root.iter(q("bpmn:boundaryEvent"))}
    clashes = []
    for plane in planes(root):
        clashes += _clashes(shapes(plane), elements, hosts)
    assert clashes == []


def _clashes(
    boxes: dict[str, Box], elements: dict[str, etree._Element], hosts: dict[str | None, str | None]
) -> list[tuple[str, str]]:
    ids = sorted(boxes)
    clashes = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if not boxes[a].overlaps(boxes[b]) or hosts.get(a) == b or hosts.get(b) == a:
                continue
            ea, eb = elements[a], elements[b]
            # an element drawn inside its own (expanded) sub-process is not an overlap
            if _is_inside(ea, eb) and boxes[b].contains(boxes[a]):
                continue
            if _is_inside(eb, ea) and boxes[a].contains(boxes[b]):
                continue
            clashes.append((a, b))
    return clashes


@pytest.mark.parametrize("path", BPMN, ids=_name)
def test_edges_are_orthogonal_and_avoid_other_shapes(path: Path) -> None:
    root = parse(path)
    elements = {n.get("id", ""): n for n in flow_nodes(root)}
    flows = {f.get("id", ""): f for f in root.iter(q("bpmn:sequenceFlow"))}
    hosts = {b.get("id"): b.get("attachedToRef") for b in root.iter(q("bpmn:boundaryEvent"))}
    problems = []
    for plane in planes(root):
        boxes = shapes(plane)
        for fid, waypoints in edges(plane).items():
            flow = flows[fid]
            ends = {flow.get("sourceRef"), flow.get("targetRef"), hosts.get(flow.get("sourceRef"))}
            for a, b in itertools.pairwise(waypoints):
                if a[0] != b[0] and a[1] != b[1]:
                    problems.append(f"{fid}: diagonal segment {a} → {b}")
                for eid, box in boxes.items():
                    if eid in ends or not box.crossed_by(a, b):
                        continue
                    container = elements[eid]
                    if container.tag == q("bpmn:subProcess") and _is_inside(flow, container):
                        continue
                    problems.append(f"{fid} runs through {eid}")
    assert problems == []


def _left(box: Box) -> float:
    return box.x


@pytest.mark.parametrize("path", BPMN, ids=_name)
def test_each_diagram_reads_left_to_right(path: Path) -> None:
    """The start event of every process and sub-process is its leftmost element."""
    root = parse(path)
    boxes = shapes(root)
    containers = list(root.iter(q("bpmn:process"))) + list(root.iter(q("bpmn:subProcess")))
    for container in containers:
        children = [c for c in container if c.get("id") in boxes]
        starts = [c for c in children if c.tag == q("bpmn:startEvent")]
        ends = [c for c in children if c.tag == q("bpmn:endEvent")]
        assert len(starts) == 1, container.get("id")
        start_x = _left(boxes[starts[0].get("id", "")])
        assert all(start_x <= _left(boxes[c.get("id", "")]) for c in children), container.get("id")
        assert all(start_x < _left(boxes[e.get("id", "")]) for e in ends), container.get("id")
