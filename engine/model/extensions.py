"""Readers for Zeebe's extension elements (``zeebe:taskDefinition``, ``zeebe:ioMapping`` …).

Each reader returns the spec value, or None when the element is missing or unusable, and records
a problem in the context for everything Zeebe would reject. Messages follow Zeebe's wording.
"""

from __future__ import annotations

from engine.model.context import (
    ZEEBE_NS,
    Node,
    ParseContext,
    bool_attr,
    bpmn,
    elements,
    extensions,
    local_name,
    namespace,
    text_of,
    zeebe,
)
from engine.model.specs import (
    Binding,
    BindingType,
    CalledDecision,
    CalledElement,
    Expression,
    LoopCharacteristics,
    ScriptDefinition,
    TaskDefinition,
    UserTaskDefinition,
    VariableMapping,
)
from engine.model.timers import TimerValueError, parse_date

#: Zeebe extension elements the embedded engine understands (where they are allowed).
SUPPORTED_EXTENSIONS = frozenset(
    {
        "ioMapping",
        "taskDefinition",
        "taskHeaders",
        "properties",
        "calledElement",
        "calledDecision",
        "script",
        "userTask",
        "formDefinition",
        "assignmentDefinition",
        "taskSchedule",
        "priorityDefinition",
        "subscription",
        "loopCharacteristics",
        "versionTag",
    }
)
RESERVED_HEADER_PREFIX = "io.camunda.zeebe:"


def check_extensions(ctx: ParseContext, node: Node) -> None:
    """Reject Zeebe extension elements the embedded engine does not run (listeners, …)."""
    for ext in node.findall(bpmn("extensionElements")):
        for child in elements(ext):
            if namespace(child) == ZEEBE_NS and local_name(child) not in SUPPORTED_EXTENSIONS:
                ctx.problems.add(
                    child,
                    f"Extension element 'zeebe:{local_name(child)}' is not supported by the "
                    "embedded engine",
                )


_NULL_SOURCE = Expression("=null")


def single(ctx: ParseContext, node: Node, local: str, *, required: bool = False) -> Node | None:
    """The one ``zeebe:<local>`` extension of ``node``; a problem if missing (when required)."""
    found = extensions(node, local)
    if len(found) > 1 or (required and not found):
        ctx.problems.add(
            node,
            f"Must have exactly one 'zeebe:{local}' extension element"
            if required
            else f"Must have at most one 'zeebe:{local}' extension element",
        )
    return found[0] if found else None


def read_io_mapping(
    ctx: ParseContext, node: Node
) -> tuple[tuple[VariableMapping, ...], tuple[VariableMapping, ...]]:
    """``zeebe:ioMapping``: input and output mappings (targets must be variable paths)."""
    mapping = single(ctx, node, "ioMapping")
    if mapping is None:
        return (), ()
    inputs: list[VariableMapping] = []
    outputs: list[VariableMapping] = []
    for child in mapping.findall(zeebe("input")):
        source = _mapping_source(ctx, child, feel_only=False)
        target = ctx.path(child, "target")
        if target is not None:
            inputs.append(VariableMapping(source, target))
    for child in mapping.findall(zeebe("output")):
        # Output sources are evaluated against the element's variables: always FEEL in Zeebe.
        source = _mapping_source(ctx, child, feel_only=True)
        target = ctx.path(child, "target")
        if target is not None:
            outputs.append(VariableMapping(source, target))
    return tuple(inputs), tuple(outputs)


def _mapping_source(ctx: ParseContext, child: Node, *, feel_only: bool) -> Expression:
    """A mapping's source; a missing or empty one maps the target to null (as Zeebe does)."""
    source = ctx.expression(child, "source", feel_only=feel_only, mandatory=False)
    return source if source is not None else _NULL_SOURCE


def read_task_definition(ctx: ParseContext, node: Node) -> TaskDefinition | None:
    """``zeebe:taskDefinition``: job type and retries (both may be FEEL; retries default 3)."""
    definition = single(ctx, node, "taskDefinition")
    if definition is None:
        return None
    job_type = ctx.expression(definition, "type")
    retries = ctx.expression(definition, "retries", mandatory=False) or Expression("3")
    return TaskDefinition(job_type, retries) if job_type is not None else None


def read_headers(ctx: ParseContext, node: Node) -> tuple[tuple[str, str], ...]:
    """``zeebe:taskHeaders``: custom headers, in order; reserved and duplicate keys refused."""
    container = single(ctx, node, "taskHeaders")
    if container is None:
        return ()
    headers: list[tuple[str, str]] = []
    seen: set[str] = set()
    for header in container.findall(zeebe("header")):
        key = header.get("key")
        if not key:
            ctx.problems.add(header, "Attribute 'key' must be present and not empty")
            continue
        if key.startswith(RESERVED_HEADER_PREFIX):
            ctx.problems.add(
                header,
                f"Attribute 'key' contains '{key}', but header keys starting with "
                f"'{RESERVED_HEADER_PREFIX}' are reserved for internal use.",
            )
        if key in seen:
            ctx.problems.add(header, f"Headers contain duplicate entries for key '{key}'")
        seen.add(key)
        headers.append((key, header.get("value", "")))
    return tuple(headers)


def read_properties(ctx: ParseContext, node: Node) -> tuple[tuple[str, str], ...]:
    """``zeebe:properties``: free name/value pairs for tools; not interpreted."""
    container = single(ctx, node, "properties")
    if container is None:
        return ()
    return tuple(
        (prop.get("name", ""), prop.get("value", ""))
        for prop in container.findall(zeebe("property"))
    )


def read_binding(ctx: ParseContext, node: Node) -> Binding:
    """``bindingType`` (default ``latest``) and, for ``versionTag``, the required tag."""
    raw = node.get("bindingType")
    if raw is None or raw == BindingType.LATEST:
        return Binding()
    try:
        binding_type = BindingType(raw)
    except ValueError:
        ctx.problems.add(
            node,
            f"Attribute 'bindingType' must be one of "
            f"{', '.join(b.value for b in BindingType)}, but was '{raw}'",
        )
        return Binding()
    if binding_type is not BindingType.VERSION_TAG:
        return Binding(binding_type)
    tag = (node.get("versionTag") or "").strip()
    if not tag:
        ctx.problems.add(
            node,
            "Attribute 'versionTag' must be present and not empty if the binding type is "
            "'versionTag'",
        )
    return Binding(binding_type, tag or None)


def read_called_element(ctx: ParseContext, node: Node) -> CalledElement | None:
    """``zeebe:calledElement`` of a call activity (required)."""
    called = single(ctx, node, "calledElement", required=True)
    if called is None:
        return None
    binding = read_binding(ctx, called)
    process_id = ctx.expression(called, "processId")
    if process_id is None:
        return None
    return CalledElement(
        process_id,
        propagate_all_child_variables=bool_attr(called, "propagateAllChildVariables", True),
        propagate_all_parent_variables=bool_attr(called, "propagateAllParentVariables", True),
        binding=binding,
    )


def read_called_decision(ctx: ParseContext, decision: Node) -> CalledDecision | None:
    """``zeebe:calledDecision`` of a business-rule task."""
    binding = read_binding(ctx, decision)
    decision_id = ctx.expression(decision, "decisionId")
    result = ctx.path(decision, "resultVariable")
    if decision_id is None or result is None:
        return None
    return CalledDecision(decision_id, result, binding)


def read_script(ctx: ParseContext, script: Node) -> ScriptDefinition | None:
    """``zeebe:script`` of a script task: a FEEL expression and the variable for its result."""
    expression = ctx.expression(script, "expression", feel_only=True)
    result = ctx.path(script, "resultVariable")
    if expression is None or result is None:
        return None
    return ScriptDefinition(expression, result)


def read_user_task(ctx: ParseContext, node: Node) -> UserTaskDefinition | None:
    """A Camunda user task, or a job-worker user task (no ``zeebe:userTask``; deprecated since
    8.6 but still run by 8.8)."""
    job_worker = single(ctx, node, "userTask") is None
    values: dict[str, Expression | None] = {}
    assignment = single(ctx, node, "assignmentDefinition")
    if assignment is not None:
        values["assignee"] = ctx.expression(assignment, "assignee", mandatory=False)
        for attribute, key in (
            ("candidateGroups", "candidate_groups"),
            ("candidateUsers", "candidate_users"),
        ):
            expression = ctx.expression(assignment, attribute, mandatory=False)
            if (
                expression is not None
                and not expression.is_feel
                and not all(item.strip() for item in expression.source.split(","))
            ):
                ctx.problems.add(
                    assignment,
                    "Expected static value to be a list of comma-separated values, "
                    f"e.g. 'a,b,c', but found '{expression.source}'.",
                )
            values[key] = expression
    schedule = single(ctx, node, "taskSchedule")
    if schedule is not None:
        for attribute, key in (("dueDate", "due_date"), ("followUpDate", "follow_up_date")):
            expression = ctx.expression(schedule, attribute, mandatory=False)
            if expression is not None and not expression.is_feel:
                try:
                    parse_date(expression.source)
                except TimerValueError:
                    ctx.problems.add(
                        schedule,
                        "Expected static value to be a valid DateTime String, e.g. "
                        f"'2023-03-02T15:35+02:00', but found '{expression.source}'.",
                    )
            values[key] = expression
    priority = single(ctx, node, "priorityDefinition")
    if priority is not None:
        expression = ctx.expression(priority, "priority")
        if expression is not None and not expression.is_feel:
            text = expression.source.strip()
            if not (text.lstrip("-").isdigit() and 0 <= int(text) <= 100):
                ctx.problems.add(
                    priority,
                    f"Priority must be a number between 0 and 100, but was '{expression.source}'",
                )
        values["priority"] = expression
    if job_worker:
        form_id, form_key, form_binding = _read_job_worker_form(ctx, node)
        return UserTaskDefinition(
            assignee=values.get("assignee"),
            candidate_groups=values.get("candidate_groups"),
            candidate_users=values.get("candidate_users"),
            due_date=values.get("due_date"),
            follow_up_date=values.get("follow_up_date"),
            form_id=form_id,
            form_binding=form_binding,
            job_worker=True,
            form_key=form_key,
        )
    form_id, external, form_binding = _read_form(ctx, node)
    return UserTaskDefinition(
        assignee=values.get("assignee"),
        candidate_groups=values.get("candidate_groups"),
        candidate_users=values.get("candidate_users"),
        due_date=values.get("due_date"),
        follow_up_date=values.get("follow_up_date"),
        priority=values.get("priority"),
        form_id=form_id,
        external_form_reference=external,
        form_binding=form_binding,
    )


def _read_job_worker_form(ctx: ParseContext, node: Node) -> tuple[str | None, str | None, Binding]:
    """``zeebe:formDefinition`` of a job-worker user task: ``formKey`` or a linked ``formId``."""
    form = single(ctx, node, "formDefinition")
    if form is None:
        return None, None, Binding()
    form_id = (form.get("formId") or "").strip() or None
    form_key = (form.get("formKey") or "").strip() or None
    if (form_id is None) == (form_key is None):
        ctx.problems.add(
            form,
            "Exactly one of the attributes 'formId, formKey' must be present and not blank for "
            "job-worker user tasks",
        )
    return form_id, form_key, read_binding(ctx, form)


def _read_form(ctx: ParseContext, node: Node) -> tuple[str | None, Expression | None, Binding]:
    form = single(ctx, node, "formDefinition")
    if form is None:
        return None, None, Binding()
    form_id = (form.get("formId") or "").strip() or None
    external_text = (form.get("externalReference") or "").strip() or None
    if (form_id is None) == (external_text is None):
        ctx.problems.add(
            form,
            "Exactly one of the attributes 'formId, externalReference' must be present and not "
            "blank for native user tasks",
        )
    if external_text is not None and form.get("bindingType") is not None:
        ctx.problems.add(
            form,
            "Attribute 'externalReference' must not be used in combination with attribute "
            "'bindingType'",
        )
    binding = read_binding(ctx, form)
    external = ctx.expression(form, "externalReference", mandatory=False) if external_text else None
    return form_id, external, binding


def read_loop(ctx: ParseContext, loop: Node) -> LoopCharacteristics | None:
    """``bpmn:multiInstanceLoopCharacteristics`` with its ``zeebe:loopCharacteristics``."""
    if loop.find(bpmn("loopCardinality")) is not None:
        ctx.problems.add(
            loop,
            "Attribute 'loopCardinality' is not supported; use zeebe:loopCharacteristics "
            "inputCollection",
        )
    zl = single(ctx, loop, "loopCharacteristics", required=True)
    if zl is None:
        return None
    input_collection = ctx.expression(zl, "inputCollection", feel_only=True)
    input_element = ctx.path(zl, "inputElement", mandatory=False)
    output_collection = ctx.path(zl, "outputCollection", mandatory=False)
    output_element = ctx.expression(zl, "outputElement", feel_only=True, mandatory=False)
    if output_collection is not None and output_element is None:
        ctx.problems.add(
            zl,
            "Attribute 'outputElement' must be present if the attribute 'outputCollection' is set",
        )
    if output_element is not None and output_collection is None:
        ctx.problems.add(
            zl,
            "Attribute 'outputCollection' must be present if the attribute 'outputElement' is set",
        )
    completion: Expression | None = None
    completion_node = loop.find(bpmn("completionCondition"))
    if completion_node is not None:
        completion = ctx.expression(
            completion_node,
            "completionCondition",
            mandatory=False,
            value=text_of(completion_node) or "",
        )
    if input_collection is None:
        return None
    return LoopCharacteristics(
        sequential=bool_attr(loop, "isSequential", False),
        input_collection=input_collection,
        input_element=input_element,
        output_collection=output_collection,
        output_element=output_element,
        completion_condition=completion,
    )
