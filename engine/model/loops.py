"""Zeebe's straight-through processing loop rule.

A cycle of elements that never wait (undefined and manual tasks, FEEL script tasks, decision
tasks, gateways, none throw events, sub-processes, …) would spin the engine forever in one
command. Zeebe rejects such models at deployment, and so do we. Like Zeebe, a loop made only of
gateways is not reported, and a call activity is followed only when it calls its own process
(the common mistake Zeebe's check catches).
"""

from __future__ import annotations

from engine.model.specs import Element, ElementType, EventType, Process

# A loop is rejected only when it contains one of these (Zeebe's REJECTED_ELEMENT_TYPES).
_REJECTED = frozenset(
    {
        ElementType.MANUAL_TASK,
        ElementType.TASK,
        ElementType.CALL_ACTIVITY,
        ElementType.INTERMEDIATE_THROW_EVENT,
        ElementType.SCRIPT_TASK,
        ElementType.BUSINESS_RULE_TASK,
    }
)
_PASS_THROUGH = _REJECTED | {
    ElementType.EXCLUSIVE_GATEWAY,
    ElementType.INCLUSIVE_GATEWAY,
    ElementType.PARALLEL_GATEWAY,
    ElementType.START_EVENT,
    ElementType.END_EVENT,
    ElementType.SUB_PROCESS,
}


def find_loop(process: Process) -> list[str] | None:
    """Ids of one straight-through loop (first id repeated at the end), or None."""
    for start in sorted(process.elements.values(), key=lambda e: e.id):
        if start.element_type in _REJECTED and _straight_through(start):
            path = _cycle_from(process, start)
            if path is not None:
                return path
    return None


def _straight_through(element: Element) -> bool:
    if element.element_type not in _PASS_THROUGH:
        return False
    if element.task_definition is not None:
        # A job worker (script, decision or message throw handled by a worker) waits for it.
        return False
    return not (
        element.element_type is ElementType.INTERMEDIATE_THROW_EVENT
        and element.event_type is EventType.MESSAGE
    )


def _next(process: Process, element: Element) -> list[Element]:
    if element.element_type is ElementType.SUB_PROCESS:
        return list(process.start_events(element.id))
    if element.element_type is ElementType.CALL_ACTIVITY:
        called = element.called_element
        if called is None or called.process_id.is_feel or called.process_id.source != process.id:
            return []
        return [s for s in process.start_events(process.id) if s.event_type is EventType.NONE]
    flows = element.outgoing
    if not flows:
        scope = process.elements.get(element.flow_scope or "")
        # Leaving a sub-process through an end event continues after the sub-process.
        if scope is not None and scope.element_type is ElementType.SUB_PROCESS:
            flows = scope.outgoing
    targets = (process.flows[f].target for f in flows)
    return [process.elements[t] for t in targets if t in process.elements]


def _cycle_from(process: Process, start: Element) -> list[str] | None:
    """Depth-first search over straight-through elements for a path back to ``start``."""
    stack: list[tuple[Element, int]] = [(start, 0)]
    path: list[str] = []
    seen: set[str] = set()
    while stack:
        element, depth = stack.pop()
        del path[depth:]
        path.append(element.id)
        for successor in _next(process, element):
            if successor.id == start.id:
                return [*path, start.id]
            if successor.id not in seen and _straight_through(successor):
                seen.add(successor.id)
                stack.append((successor, depth + 1))
    return None
