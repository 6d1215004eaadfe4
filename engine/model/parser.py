"""``parse_bpmn``: BPMN 2.0 XML in the Camunda 8 dialect → immutable :class:`BpmnResource`.

The parser reads the whole file, collects every problem (Zeebe's design-time and deployment
rules, plus "not supported by the embedded engine" for elements we do not run) and either
returns the specs or raises one :class:`BpmnValidationError` listing them all. Nothing is
half-built: the caller deploys all of a resource or none of it.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from engine.model.context import (
    BPMN_NS,
    BPMNDI_NS,
    Node,
    ParseContext,
    bool_attr,
    bpmn,
    elements,
    local_name,
    namespace,
    text_of,
)
from engine.model.expressions import check_expressions
from engine.model.extensions import check_extensions, read_properties, single
from engine.model.nodes import (
    FLOW_NODES,
    IGNORED_CHILDREN,
    UNSUPPORTED_NODES,
    ScopeKind,
    read_flow_node,
)
from engine.model.problems import Problems, line_of
from engine.model.specs import (
    BpmnResource,
    Element,
    ElementType,
    ErrorDefinition,
    EscalationDefinition,
    Expression,
    MessageDefinition,
    Process,
    SequenceFlow,
    SignalDefinition,
)
from engine.model.validation import validate_process

# xsd:ID is an NCName; Zeebe additionally limits ids to 255 characters.
_NCNAME = re.compile(r"^[^\W\d][\w.\-]*$")
_MAX_ID_LENGTH = 255


def parse_bpmn(content: bytes, resource_name: str) -> BpmnResource:
    """Parse and validate one ``.bpmn`` resource; raise ``InvalidArgument`` listing all problems.

    Only executable processes (``isExecutable="true"``) are returned; the others are validated
    too, as Zeebe does, and a resource without any executable process is rejected.
    """
    problems = Problems(resource_name)
    root = _load_xml(content, problems)
    if root is None:
        problems.raise_if_any()
        raise AssertionError("unreachable: a failed load records a problem")
    ctx = ParseContext(resource_name, problems)
    _check_ids(ctx, root)
    _read_definitions(ctx, root)
    processes: list[Process] = []
    any_executable = False
    for node in root.findall(bpmn("process")):
        process = _read_process(ctx, node)
        executable = bool_attr(node, "isExecutable", False)
        if process is not None and executable:
            processes.append(process)
        any_executable = any_executable or executable
    if not any_executable:
        problems.add(root, 'Must contain at least one executable process (isExecutable="true")')
    check_expressions(ctx)
    problems.raise_if_any()
    return BpmnResource(
        resource_name=resource_name,
        processes=tuple(processes),
        messages=dict(ctx.messages),
        signals=dict(ctx.signals),
        errors=dict(ctx.errors),
        escalations=dict(ctx.escalations),
    )


def _load_xml(content: bytes, problems: Problems) -> Node | None:
    # No entity expansion and no network: the XML comes from whoever may deploy.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        problems.add_at(None, line, f"Malformed XML: {exc.msg}")
        return None
    if namespace(root) != BPMN_NS or local_name(root) != "definitions":
        problems.add_at(
            None,
            line_of(root),
            f"Expected a BPMN 2.0 <definitions> root element ({BPMN_NS}) but found '{root.tag}'",
        )
        return None
    return root


def _check_ids(ctx: ParseContext, root: Node) -> None:
    seen: dict[str, Node] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or namespace(node) not in (BPMN_NS, BPMNDI_NS):
            continue
        element_id = node.get("id")
        if element_id is None:
            continue
        if not _NCNAME.match(element_id):
            ctx.problems.add_at(
                element_id, line_of(node), f"The id '{element_id}' is not a valid XML id"
            )
        elif len(element_id) > _MAX_ID_LENGTH:
            ctx.problems.add_at(
                element_id[:40] + "…",
                line_of(node),
                f"The id must not be longer than {_MAX_ID_LENGTH} characters",
            )
        if element_id in seen:
            ctx.problems.add_at(
                element_id,
                line_of(node),
                f"Duplicate id '{element_id}' (first used on line {line_of(seen[element_id])})",
            )
        else:
            seen[element_id] = node


def _read_definitions(ctx: ParseContext, root: Node) -> None:
    """Messages, signals, errors and escalations, which events reference by id."""
    for node in elements(root):
        if namespace(node) != BPMN_NS or not node.get("id"):
            continue
        kind, ref = local_name(node), node.get("id", "")
        if kind == "message":
            ctx.definition_nodes[ref] = node
            check_extensions(ctx, node)
            name = _name_expression(ctx, node)
            subscription = single(ctx, node, "subscription")
            key = (
                ctx.expression(subscription, "correlationKey", feel_only=True)
                if subscription is not None
                else None
            )
            ctx.messages[ref] = MessageDefinition(ref, name, key)
        elif kind == "signal":
            ctx.definition_nodes[ref] = node
            ctx.signals[ref] = SignalDefinition(ref, _name_expression(ctx, node))
        elif kind == "error":
            ctx.definition_nodes[ref] = node
            code = node.get("errorCode") or None
            _code_expression(ctx, node, "errorCode", code)
            ctx.errors[ref] = ErrorDefinition(ref, code)
        elif kind == "escalation":
            ctx.definition_nodes[ref] = node
            code = node.get("escalationCode") or None
            _code_expression(ctx, node, "escalationCode", code)
            ctx.escalations[ref] = EscalationDefinition(ref, code)


def _name_expression(ctx: ParseContext, node: Node) -> Expression:
    name = ctx.expression(node, "name", mandatory=False)
    return name if name is not None else Expression("")


def _code_expression(ctx: ParseContext, node: Node, attribute: str, code: str | None) -> None:
    if code is not None and code.startswith("="):
        ctx.expression(node, attribute)


def _read_process(ctx: ParseContext, node: Node) -> Process | None:
    process_id = node.get("id")
    if not process_id:
        ctx.problems.add(node, "A process must have an id")
        return None
    check_extensions(ctx, node)
    walker = _ScopeWalker(ctx)
    root_fields: dict[str, Any] = {
        "element_type": ElementType.PROCESS,
        "name": node.get("name", ""),
        "line": line_of(node),
        "properties": read_properties(ctx, node),
    }
    walker.fields[process_id] = root_fields
    walker.walk(node, process_id, ScopeKind.PROCESS)
    version_tag = single(ctx, node, "versionTag")
    process = walker.build(
        process_id,
        node.get("name", ""),
        line_of(node),
        version_tag.get("value") if version_tag is not None else None,
    )
    validate_process(ctx, process)
    return process


class _ScopeWalker:
    """Collects the flow nodes and sequence flows of one process, scope by scope."""

    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.fields: dict[str, dict[str, Any]] = {}
        self.flows: list[SequenceFlow] = []
        self.scope_of_flow: dict[str, str] = {}

    def walk(self, scope_node: Node, scope_id: str, scope: ScopeKind) -> None:
        children: list[str] = []
        for node in elements(scope_node):
            if namespace(node) != BPMN_NS:
                continue
            local = local_name(node)
            if local == "sequenceFlow":
                self._flow(node, scope_id)
            elif local in FLOW_NODES:
                element_id = node.get("id")
                if not element_id:
                    self.ctx.problems.add(node, f"A {local} must have an id")
                    continue
                fields = read_flow_node(self.ctx, node, local, scope_id, scope)
                fields["line"] = line_of(node)
                self.fields[element_id] = fields
                children.append(element_id)
                if fields["element_type"] in (
                    ElementType.SUB_PROCESS,
                    ElementType.EVENT_SUB_PROCESS,
                ):
                    inner = (
                        ScopeKind.EVENT_SUB_PROCESS
                        if fields["element_type"] is ElementType.EVENT_SUB_PROCESS
                        else ScopeKind.SUB_PROCESS
                    )
                    self.walk(node, element_id, inner)
            elif local not in IGNORED_CHILDREN:
                what = UNSUPPORTED_NODES.get(local, f"Elements of type '{local}'")
                self.ctx.problems.add(node, f"{what} are not supported by the embedded engine")
                self.ctx.rejected_ids.add(node.get("id", ""))
        self.fields[scope_id]["children"] = tuple(children)

    def _flow(self, node: Node, scope_id: str) -> None:
        flow_id = node.get("id")
        if not flow_id:
            self.ctx.problems.add(node, "A sequenceFlow must have an id")
            return
        condition_node = node.find(bpmn("conditionExpression"))
        condition = None
        if condition_node is not None:
            condition = self.ctx.expression(
                condition_node,
                "condition",
                feel_only=True,
                value=text_of(condition_node) or "",
            )
        self.flows.append(
            SequenceFlow(
                id=flow_id,
                source=(node.get("sourceRef") or "").strip(),
                target=(node.get("targetRef") or "").strip(),
                condition=condition,
                name=node.get("name", ""),
                line=line_of(node),
            )
        )
        self.scope_of_flow[flow_id] = scope_id
        check_extensions(self.ctx, node)

    def build(self, process_id: str, name: str, line: int, version_tag: str | None) -> Process:
        incoming: dict[str, list[str]] = {}
        outgoing: dict[str, list[str]] = {}
        for flow in self.flows:
            outgoing.setdefault(flow.source, []).append(flow.id)
            incoming.setdefault(flow.target, []).append(flow.id)
        boundaries: dict[str, list[str]] = {}
        event_subs: dict[str, list[str]] = {}
        for element_id, fields in self.fields.items():
            attached = fields.get("attached_to")
            if fields["element_type"] is ElementType.BOUNDARY_EVENT and attached:
                boundaries.setdefault(attached, []).append(element_id)
            if fields["element_type"] is ElementType.EVENT_SUB_PROCESS:
                event_subs.setdefault(fields["flow_scope"], []).append(element_id)
        built: dict[str, Element] = {}
        for element_id, fields in self.fields.items():
            built[element_id] = Element(
                id=element_id,
                incoming=tuple(incoming.get(element_id, ())),
                outgoing=tuple(outgoing.get(element_id, ())),
                boundary_events=tuple(boundaries.get(element_id, ())),
                event_sub_processes=tuple(event_subs.get(element_id, ())),
                **fields,
            )
        return Process(
            id=process_id,
            name=name,
            resource_name=self.ctx.resource_name,
            elements=built,
            flows={flow.id: flow for flow in self.flows},
            version_tag=version_tag,
            line=line,
        )


__all__ = ["parse_bpmn"]
