"""Structural rules over a built process: flows, gateways, boundary events, scopes, duplicates.

These need the whole process (every element and flow), so they run after the XML walk. The
wording follows Zeebe's validators where Zeebe has the same rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from engine.model.context import ParseContext
from engine.model.loops import find_loop
from engine.model.nodes import ACTIVITIES
from engine.model.specs import Element, ElementType, EventType, Process

_GATEWAYS_WITH_CONDITIONS = (ElementType.EXCLUSIVE_GATEWAY, ElementType.INCLUSIVE_GATEWAY)
_SCOPES = (ElementType.PROCESS, ElementType.SUB_PROCESS, ElementType.EVENT_SUB_PROCESS)


def validate_process(ctx: ParseContext, process: Process) -> None:
    """Record every structural problem of ``process`` in ``ctx.problems``."""
    _check_flows(ctx, process)
    for element in process.elements.values():
        _check_element(ctx, process, element)
        if element.element_type in _SCOPES:
            _check_scope(ctx, process, element)
        if element.boundary_events:
            _check_handlers(
                ctx,
                element,
                [process.elements[b] for b in element.boundary_events],
                "boundary events",
            )
    loop = find_loop(process)
    if loop is not None:
        _report(
            ctx,
            process.root,
            "Processes are not allowed to contain a straight-through processing loop: "
            + " > ".join(loop),
        )


def _report(ctx: ParseContext, element: Element, message: str) -> None:
    ctx.problems.add_at(element.id, element.line, message)


def _check_flows(ctx: ParseContext, process: Process) -> None:
    for flow in process.flows.values():
        ends: list[Element] = []
        for attribute, ref in (("sourceRef", flow.source), ("targetRef", flow.target)):
            if not ref:
                ctx.problems.add_at(
                    flow.id, flow.line, f"SequenceFlow is missing required attribute {attribute}"
                )
                continue
            if ref in ctx.rejected_ids:
                continue
            target = process.elements.get(ref)
            if target is None or target.element_type is ElementType.PROCESS:
                ctx.problems.add_at(
                    flow.id,
                    flow.line,
                    f"SequenceFlow has {attribute} '{ref}' which cannot be resolved",
                )
                continue
            ends.append(target)
        if len(ends) == 2 and ends[0].flow_scope != ends[1].flow_scope:
            ctx.problems.add_at(
                flow.id,
                flow.line,
                f"SequenceFlow connects '{ends[0].id}' and '{ends[1].id}', which are in "
                "different scopes",
            )
        if (
            flow.condition is not None
            and ends
            and ends[0].id == flow.source
            and ends[0].element_type not in _GATEWAYS_WITH_CONDITIONS
        ):
            _report(
                ctx,
                ends[0],
                "Conditional sequence flows are only supported at exclusive or inclusive gateway",
            )


def _check_element(ctx: ParseContext, process: Process, element: Element) -> None:
    kind = element.element_type
    if kind is ElementType.START_EVENT and element.incoming:
        _report(ctx, element, "Start events must not have incoming sequence flows")
    elif kind is ElementType.END_EVENT and element.outgoing:
        _report(ctx, element, "End events must not have outgoing sequence flows to other elements.")
    elif kind is ElementType.BOUNDARY_EVENT:
        _check_boundary(ctx, process, element)
    elif kind is ElementType.EVENT_SUB_PROCESS and (element.incoming or element.outgoing):
        _report(ctx, element, "An event sub-process must not have incoming or outgoing flows")
    elif kind in _GATEWAYS_WITH_CONDITIONS:
        _check_conditions(ctx, process, element)
    elif kind is ElementType.EVENT_BASED_GATEWAY:
        _check_event_gateway(ctx, process, element)
    elif kind is ElementType.RECEIVE_TASK and element.message is not None:
        names = [
            b.message.name.source
            for b in (process.elements[i] for i in element.boundary_events)
            if b.message is not None
        ]
        if element.message.name.source in names:
            _report(ctx, element, "Cannot reference the same message name as a boundary event")


def _check_boundary(ctx: ParseContext, process: Process, element: Element) -> None:
    if element.incoming:
        _report(ctx, element, "Cannot have incoming sequence flows")
    if element.attached_to is None:
        return
    host = process.elements.get(element.attached_to)
    if host is None:
        _report(ctx, element, f"Attached to '{element.attached_to}', which cannot be resolved")
        return
    if host.element_type not in ACTIVITIES:
        _report(
            ctx,
            element,
            f"Attached to '{host.id}', a {host.element_type.lower().replace('_', ' ')}: "
            "boundary events can only be attached to tasks, sub-processes and call activities",
        )
    elif host.flow_scope != element.flow_scope:
        _report(ctx, element, f"Must be in the same scope as '{host.id}', which it is attached to")
    if element.event_type is EventType.ESCALATION and host.element_type not in (
        ElementType.SUB_PROCESS,
        ElementType.CALL_ACTIVITY,
    ):
        _report(
            ctx,
            element,
            "An escalation boundary event should only be attached to a subprocess, or a call "
            "activity.",
        )


def _check_conditions(ctx: ParseContext, process: Process, gateway: Element) -> None:
    if gateway.default_flow is not None and gateway.default_flow not in gateway.outgoing:
        _report(ctx, gateway, f"Default flow '{gateway.default_flow}' must start at gateway")
    if len(gateway.outgoing) <= 1:
        return
    for flow_id in gateway.outgoing:
        flow = process.flows[flow_id]
        if flow.condition is None and flow_id != gateway.default_flow:
            message = (
                "Must have a condition or be default flow"
                if gateway.element_type is ElementType.EXCLUSIVE_GATEWAY
                else "Must have a condition"
            )
            ctx.problems.add_at(flow.id, flow.line, message)


def _check_event_gateway(ctx: ParseContext, process: Process, gateway: Element) -> None:
    if len(gateway.outgoing) < 2:
        _report(ctx, gateway, "Event-based gateway must have at least 2 outgoing sequence flows.")
    targets = [
        process.elements[process.flows[f].target]
        for f in gateway.outgoing
        if process.flows[f].target in process.elements
    ]
    if any(
        t.element_type is not ElementType.INTERMEDIATE_CATCH_EVENT
        or t.event_type not in (EventType.MESSAGE, EventType.TIMER, EventType.SIGNAL)
        for t in targets
    ):
        _report(
            ctx,
            gateway,
            "Event-based gateway must not have an outgoing sequence flow to other elements than "
            "message/timer/signal intermediate catch events.",
        )
    if any(process.flows[f].source != gateway.id for t in targets for f in t.incoming):
        _report(
            ctx,
            gateway,
            "Target elements of an event gateway must not have any additional incoming sequence "
            "flows other than that from the event gateway.",
        )
    _check_duplicate_names(ctx, gateway, targets)


def _check_scope(ctx: ParseContext, process: Process, scope: Element) -> None:
    children = [process.elements[c] for c in scope.children]
    starts = [c for c in children if c.element_type is ElementType.START_EVENT]
    if scope.element_type is ElementType.PROCESS:
        if not starts:
            _report(ctx, scope, "Must have at least one start event")
        elif sum(1 for s in starts if s.event_type is EventType.NONE) > 1:
            _report(ctx, scope, "Multiple none start events are not allowed")
        _check_duplicate_names(ctx, scope, starts)
    elif len(starts) != 1:
        _report(ctx, scope, "Must have exactly one start event")
    handlers = [
        process.elements[start_id]
        for sub in scope.event_sub_processes
        for start_id in process.elements[sub].children
        if process.elements[start_id].element_type is ElementType.START_EVENT
    ]
    _check_handlers(ctx, scope, handlers, "event sub-processes")
    _check_links(ctx, scope, children)


def _check_links(ctx: ParseContext, scope: Element, children: list[Element]) -> None:
    """Zeebe: link catch names are unique in a scope; every throw has a catch of its name."""
    links = [c for c in children if c.event_type is EventType.LINK and c.link_name]
    catches = [c for c in links if c.element_type is ElementType.INTERMEDIATE_CATCH_EVENT]
    names = [c.link_name for c in catches]
    for name in sorted({n for n in names if names.count(n) > 1 and n is not None}):
        _report(
            ctx,
            scope,
            f"Multiple intermediate catch link event definitions with the same "
            f"name '{name}' are not allowed.",
        )
    for throw in links:
        if (
            throw.element_type is ElementType.INTERMEDIATE_THROW_EVENT
            and throw.link_name not in names
        ):
            _report(
                ctx,
                throw,
                f"Can't find an catch link event for the throw link event with "
                f"the name '{throw.link_name}'.",
            )


def _check_handlers(ctx: ParseContext, owner: Element, handlers: list[Element], where: str) -> None:
    """Boundary events of one activity, or event sub-process starts of one scope."""
    _check_duplicate_names(ctx, owner, handlers)
    _check_catch_codes(
        ctx,
        owner,
        [h.error.error_code for h in handlers if h.error is not None],
        "error",
        where,
    )
    _check_catch_codes(
        ctx,
        owner,
        [h.escalation.code for h in handlers if h.escalation is not None],
        "escalation",
        where,
    )


def _check_duplicate_names(ctx: ParseContext, owner: Element, events: Iterable[Element]) -> None:
    events = list(events)
    messages = Counter(
        e.message.name.source for e in events if e.message is not None and e.message.name.source
    )
    for name, count in messages.items():
        if count > 1:
            _report(
                ctx,
                owner,
                f"Multiple message event definitions with the same name '{name}' are not allowed.",
            )
    signals = Counter(
        e.signal.name.source for e in events if e.signal is not None and e.signal.name.source
    )
    for name, count in signals.items():
        if count > 1:
            _report(
                ctx,
                owner,
                f"Multiple signal event definitions with the same name '{name}' are not allowed.",
            )


def _check_catch_codes(
    ctx: ParseContext, owner: Element, codes: list[str | None], kind: str, where: str
) -> None:
    counts = Counter(codes)
    if counts.get(None, 0) > 1:
        _report(
            ctx,
            owner,
            f"The same scope can not contain more than one {kind} catch event without {kind} "
            f"code ({where}). An {kind} catch event without {kind} code catches all "
            f"{kind}s.",
        )
    for code, count in counts.items():
        if code is not None and count > 1:
            _report(
                ctx,
                owner,
                f"Multiple {kind} catch events with the same {kind} code '{code}' are not "
                f"supported on the same scope ({where}).",
            )
