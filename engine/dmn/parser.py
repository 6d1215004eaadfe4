"""DMN XML (1.1–1.5 namespaces) → :class:`DecisionRequirements`, every FEEL text compiled.

A strict parse (deployment) raises :class:`engine.errors.InvalidArgument` at the first problem,
naming the resource, decision id, rule row and column, and XML line. A lenient parse (the TCK
runner, which mirrors Camunda's ``lazyEvaluation``) keeps the model and turns the broken parts into
:class:`~engine.dmn.model.Invalid` expressions that fail only when evaluated.
"""

from __future__ import annotations

from types import MappingProxyType

from lxml import etree

from engine.dmn.drg import (
    BusinessKnowledgeModel,
    Decision,
    DecisionRequirements,
    DecisionService,
    InputData,
)
from engine.dmn.model import Expression, Invalid, Where
from engine.dmn.parse_expressions import parse_expression
from engine.dmn.parse_support import (
    DMN_NAMESPACES,
    ParseContext,
    child,
    children,
    href_id,
    line_of,
    local,
    model_names,
)
from engine.errors import InvalidArgument

_LOGIC_TAGS = frozenset(
    {
        "decisionTable",
        "literalExpression",
        "context",
        "list",
        "relation",
        "functionDefinition",
        "invocation",
        "conditional",
        "filter",
        "for",
        "some",
        "every",
    }
)


def parse_dmn(content: bytes, resource_name: str, *, strict: bool = True) -> DecisionRequirements:
    """Parse and compile one DMN resource.

    Raises :class:`InvalidArgument` for bad XML, an unknown namespace or hit policy, FEEL that
    does not parse, a missing required element, duplicate ids or cyclic requirements (in lenient
    mode only XML and structural problems raise; broken expressions are kept as ``Invalid``).
    """
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise InvalidArgument(
            f"resource '{resource_name}' is not well-formed XML (line {error.lineno}): {error.msg}"
        ) from None
    namespace = etree.QName(root).namespace or ""
    if local(root) != "definitions" or namespace not in DMN_NAMESPACES:
        raise InvalidArgument(
            f"resource '{resource_name}' is not a DMN 1.1–1.5 document: root element "
            f"'{root.tag}' (line {line_of(root)})"
        )
    ctx = ParseContext(
        resource_name=resource_name,
        namespace=namespace,
        strict=strict,
        names=model_names(root),
    )
    return _parse_definitions(root, ctx)


def _parse_definitions(root: etree._Element, ctx: ParseContext) -> DecisionRequirements:
    decisions: dict[str, Decision] = {}
    bkms: dict[str, BusinessKnowledgeModel] = {}
    services: dict[str, DecisionService] = {}
    inputs: dict[str, InputData] = {}
    seen_ids: set[str] = set()
    for element in root:
        if not isinstance(element.tag, str) or etree.QName(element).namespace != ctx.namespace:
            continue
        tag = local(element)
        if tag not in ("decision", "businessKnowledgeModel", "decisionService", "inputData"):
            continue
        element_id = element.get("id") or ""
        if not element_id:
            ctx.structural(f"{tag} '{element.get('name', '')}' has no id", line_of(element))
            # Lenient parse only: stand in with the name, as the TCK models without ids expect.
            element_id = element.get("name") or f"{tag}_{line_of(element)}"
            element.set("id", element_id)
        if element_id in seen_ids:
            ctx.structural(f"duplicate id '{element_id}' ({tag})", line_of(element))
        seen_ids.add(element_id)
        if tag == "decision":
            decisions[element_id] = _parse_decision(element, ctx)
        elif tag == "businessKnowledgeModel":
            bkms[element_id] = _parse_bkm(element, ctx)
        elif tag == "decisionService":
            services[element_id] = _parse_service(element, ctx)
        else:
            variable = child(element, "variable", ctx)
            inputs[element_id] = InputData(
                id=element_id,
                name=element.get("name") or element_id,
                type_ref=variable.get("typeRef") if variable is not None else None,
            )
    _check_references(decisions, bkms, services, inputs, ctx)
    return DecisionRequirements(
        id=root.get("id") or "",
        name=root.get("name") or "",
        namespace=root.get("namespace") or "",
        resource_name=ctx.resource_name,
        decisions=MappingProxyType(decisions),
        knowledge_models=MappingProxyType(bkms),
        decision_services=MappingProxyType(services),
        input_data=MappingProxyType(inputs),
        problems=tuple(ctx.problems),
    )


def _logic(element: etree._Element, ctx: ParseContext) -> etree._Element | None:
    for candidate in element:
        if (
            isinstance(candidate.tag, str)
            and local(candidate) in _LOGIC_TAGS
            and etree.QName(candidate).namespace == ctx.namespace
        ):
            return candidate
    return None


def _references(element: etree._Element, outer: str, inner: str, ctx: ParseContext) -> list[str]:
    found: list[str] = []
    for requirement in children(element, outer, ctx):
        for reference in children(requirement, inner, ctx):
            found.append(href_id(reference, ctx))
    return found


def _parse_decision(element: etree._Element, ctx: ParseContext) -> Decision:
    decision_id = element.get("id") or ""
    name = element.get("name") or decision_id
    where = Where(decision_id, line_of(element))
    variable = child(element, "variable", ctx)
    logic_element = _logic(element, ctx)
    logic: Expression | None
    with ctx.scope(decision_id):
        if logic_element is None:
            logic = ctx.invalid(f"decision '{decision_id}' has no decision logic", where)
        else:
            logic = parse_expression(logic_element, ctx)
    return Decision(
        id=decision_id,
        name=name,
        # Camunda (dmn-scala) exposes a required decision's result under its <variable> name,
        # else under the decision id, which is what Camunda Modeler's tables rely on.
        variable_name=(variable.get("name") if variable is not None else None) or decision_id,
        type_ref=variable.get("typeRef") if variable is not None else None,
        logic=logic,
        required_decisions=tuple(
            _references(element, "informationRequirement", "requiredDecision", ctx)
        ),
        required_knowledge=tuple(
            _references(element, "knowledgeRequirement", "requiredKnowledge", ctx)
        ),
        required_inputs=tuple(_references(element, "informationRequirement", "requiredInput", ctx)),
        where=where,
    )


def _parse_bkm(element: etree._Element, ctx: ParseContext) -> BusinessKnowledgeModel:
    bkm_id = element.get("id") or ""
    where = Where(bkm_id, line_of(element))
    logic_container = child(element, "encapsulatedLogic", ctx)
    parameters: tuple[tuple[str, str], ...] = ()
    logic: Expression | None = None
    with ctx.scope(bkm_id, kind="business knowledge model"):
        if logic_container is not None:
            parameters = tuple(
                (p.get("name") or "", p.get("typeRef") or "")
                for p in children(logic_container, "formalParameter", ctx)
            )
            body = _logic(logic_container, ctx)
            if body is not None:
                logic = parse_expression(body, ctx)
    return BusinessKnowledgeModel(
        id=bkm_id,
        name=element.get("name") or bkm_id,
        parameters=parameters,
        logic=logic,
        required_knowledge=tuple(
            _references(element, "knowledgeRequirement", "requiredKnowledge", ctx)
        ),
        where=where,
    )


def _parse_service(element: etree._Element, ctx: ParseContext) -> DecisionService:
    service_id = element.get("id") or ""

    def refs(tag: str) -> tuple[str, ...]:
        return tuple(href_id(e, ctx) for e in children(element, tag, ctx))

    return DecisionService(
        id=service_id,
        name=element.get("name") or service_id,
        output_decisions=refs("outputDecision"),
        encapsulated_decisions=refs("encapsulatedDecision"),
        input_decisions=refs("inputDecision"),
        input_data=refs("inputData"),
        where=Where(service_id, line_of(element)),
    )


def _check_references(
    decisions: dict[str, Decision],
    bkms: dict[str, BusinessKnowledgeModel],
    services: dict[str, DecisionService],
    inputs: dict[str, InputData],
    ctx: ParseContext,
) -> None:
    for decision in decisions.values():
        for required in decision.required_decisions:
            if required not in decisions:
                ctx.structural(
                    f"decision '{decision.id}' requires decision '{required}', which does not "
                    "exist",
                    decision.where.line,
                )
        for required in decision.required_knowledge:
            if required not in bkms and required not in services:
                ctx.structural(
                    f"decision '{decision.id}' requires business knowledge model or decision "
                    f"service '{required}', which does not exist",
                    decision.where.line,
                )
        for required in decision.required_inputs:
            if required not in inputs:
                ctx.structural(
                    f"decision '{decision.id}' requires input data '{required}', which does not "
                    "exist",
                    decision.where.line,
                )
    for bkm in bkms.values():
        for required in bkm.required_knowledge:
            if required not in bkms and required not in services:
                ctx.structural(
                    f"business knowledge model '{bkm.id}' requires '{required}', which does not "
                    "exist",
                    bkm.where.line,
                )
    for service in services.values():
        for required in (*service.output_decisions, *service.input_decisions):
            if required not in decisions:
                ctx.structural(
                    f"decision service '{service.id}' refers to decision '{required}', which "
                    "does not exist",
                    service.where.line,
                )
    _check_cycles({d.id: d.required_decisions for d in decisions.values()}, "decision", ctx)
    _check_cycles({b.id: b.required_knowledge for b in bkms.values()}, "knowledge", ctx)


def _check_cycles(graph: dict[str, tuple[str, ...]], kind: str, ctx: ParseContext) -> None:
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                cycle = " → ".join([*path[path.index(nxt) :], nxt]) if nxt in path else nxt
                ctx.structural(f"cyclic {kind} requirements: {cycle}", None)
            elif nxt in graph and state.get(nxt) is None:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in graph:
        if state.get(node) is None:
            visit(node, [node])


__all__ = ["Invalid", "parse_dmn"]
