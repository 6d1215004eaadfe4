"""Every diagram can be read in Camunda Modeler: complete DI, no overlaps, edges drawn cleanly."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from lxml import etree

from .modelfiles import Box, bpmn_files, edges, flow_nodes, parse, q, shapes

BPMN = bpmn_files()


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
    boxes = shapes(root)
    elements = {n.get("id", ""): n for n in flow_nodes(root)}
    hosts = {b.get("id"): b.get("attachedToRef") for b in root.iter(q("bpmn:boundaryEvent"))}
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
    assert clashes == []


@pytest.mark.parametrize("path", BPMN, ids=_name)
def test_edges_are_orthogonal_and_avoid_other_shapes(path: Path) -> None:
    root = parse(path)
    boxes = shapes(root)
    elements = {n.get("id", ""): n for n in flow_nodes(root)}
    hosts = {b.get("id"): b.get("attachedToRef") for b in root.iter(q("bpmn:boundaryEvent"))}
    drawn = edges(root)
    problems = []
    for flow in root.iter(q("bpmn:sequenceFlow")):
        fid = flow.get("id", "")
        ends = {flow.get("sourceRef"), flow.get("targetRef"), hosts.get(flow.get("sourceRef"))}
        for a, b in itertools.pairwise(drawn[fid]):
            if a[0] != b[0] and a[1] != b[1]:
                problems.append(f"{fid}: diagonal segment {a} → {b}")
            for eid, box in boxes.items():
                if eid in ends or not box.crossed_by(a, b):
                    continue
                if elements[eid].tag == q("bpmn:subProcess") and _is_inside(flow, elements[eid]):
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
