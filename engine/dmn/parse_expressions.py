"""Boxed expressions (DMN XML) → model expressions, compiling each FEEL text once."""

from __future__ import annotations

from lxml import etree

from engine.dmn.model import (
    Aggregation,
    Binding,
    BoxedContext,
    BoxedList,
    CompiledTests,
    Conditional,
    ContextEntry,
    DecisionTable,
    Expression,
    Filter,
    FunctionDefinition,
    HitPolicy,
    Invalid,
    Invocation,
    Iteration,
    Literal,
    Relation,
    Rule,
    TableInput,
    TableOutput,
    Where,
)
from engine.dmn.parse_support import ParseContext, child, children, line_of, local, text_of

_EXPRESSION_TAGS = frozenset(
    {
        "literalExpression",
        "decisionTable",
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


def _where(element: etree._Element, ctx: ParseContext) -> Where:
    return Where(element.get("id") or ctx.element_id, line_of(element))


def first_expression(element: etree._Element, ctx: ParseContext) -> etree._Element | None:
    """The first child of ``element`` that is a boxed expression."""
    for candidate in element:
        if (
            isinstance(candidate.tag, str)
            and etree.QName(candidate).namespace == ctx.namespace
            and local(candidate) in _EXPRESSION_TAGS
        ):
            return candidate
    return None


def parse_expression(element: etree._Element, ctx: ParseContext) -> Expression:
    """Parse one boxed expression element."""
    tag = local(element)
    where = _where(element, ctx)
    if tag == "literalExpression":
        return ctx.expression(element, where)
    if tag == "decisionTable":
        return _decision_table(element, ctx)
    if tag == "context":
        return _context(element, ctx)
    if tag == "list":
        return BoxedList(
            tuple(parse_expression(e, ctx) for e in element if _is_expression(e, ctx)), where
        )
    if tag == "relation":
        return _relation(element, ctx)
    if tag == "functionDefinition":
        return _function(element, ctx)
    if tag == "invocation":
        return _invocation(element, ctx)
    if tag == "conditional":
        return Conditional(
            _wrapped(element, "if", ctx),
            _wrapped(element, "then", ctx),
            _wrapped(element, "else", ctx),
            where,
        )
    if tag == "filter":
        return Filter(_wrapped(element, "in", ctx), _wrapped(element, "match", ctx), where)
    if tag in ("for", "some", "every"):
        body_tag = "return" if tag == "for" else "satisfies"
        return Iteration(
            tag,
            element.get("iteratorVariable") or "",
            _wrapped(element, "in", ctx),
            _wrapped(element, body_tag, ctx),
            where,
        )
    return ctx.invalid(f"unsupported expression '{tag}'", where)


def _is_expression(element: etree._Element, ctx: ParseContext) -> bool:
    return (
        isinstance(element.tag, str)
        and etree.QName(element).namespace == ctx.namespace
        and local(element) in _EXPRESSION_TAGS
    )


def _wrapped(element: etree._Element, tag: str, ctx: ParseContext) -> Expression:
    holder = child(element, tag, ctx)
    inner = first_expression(holder, ctx) if holder is not None else None
    if inner is None:
        return ctx.invalid(f"'{local(element)}' has no '{tag}' expression", _where(element, ctx))
    return parse_expression(inner, ctx)


def _context(element: etree._Element, ctx: ParseContext) -> BoxedContext:
    entries: list[ContextEntry] = []
    for entry in children(element, "contextEntry", ctx):
        variable = child(entry, "variable", ctx)
        name = variable.get("name") if variable is not None else None
        inner = first_expression(entry, ctx)
        value: Expression = (
            parse_expression(inner, ctx)
            if inner is not None
            else Literal("", None, _where(entry, ctx))
        )
        entries.append(ContextEntry(name, value))
    return BoxedContext(tuple(entries), _where(element, ctx))


def _relation(element: etree._Element, ctx: ParseContext) -> Relation:
    columns = tuple(c.get("name") or "" for c in children(element, "column", ctx))
    rows: list[tuple[Expression, ...]] = []
    for number, row in enumerate(children(element, "row", ctx), start=1):
        cells = tuple(parse_expression(e, ctx) for e in row if _is_expression(e, ctx))
        if len(cells) != len(columns):
            cells = (
                ctx.invalid(
                    f"relation row {number} has {len(cells)} cells for {len(columns)} columns",
                    _where(row, ctx),
                ),
            ) * len(columns)
        rows.append(cells)
    return Relation(columns, tuple(rows), _where(element, ctx))


def _function(element: etree._Element, ctx: ParseContext) -> Expression:
    where = _where(element, ctx)
    kind = (element.get("kind") or "FEEL").upper()
    parameters = tuple(
        (p.get("name") or "", p.get("typeRef") or "")
        for p in children(element, "formalParameter", ctx)
    )
    if kind != "FEEL":
        return ctx.invalid(f"function kind '{kind}' is not supported (only FEEL)", where)
    body_element = first_expression(element, ctx)
    body = parse_expression(body_element, ctx) if body_element is not None else None
    return FunctionDefinition(parameters, body, kind, where)


def _invocation(element: etree._Element, ctx: ParseContext) -> Invocation:
    where = _where(element, ctx)
    callee_element = first_expression(element, ctx)
    callee: Literal | Invalid
    if callee_element is None or local(callee_element) != "literalExpression":
        callee = ctx.invalid("invocation has no literal expression naming the function", where)
        name = ""
    else:
        name = text_of(callee_element, ctx)[0].strip()
        callee = ctx.expression(callee_element, where)
    bindings: list[Binding] = []
    for binding in children(element, "binding", ctx):
        parameter = child(binding, "parameter", ctx)
        inner = first_expression(binding, ctx)
        bindings.append(
            Binding(
                parameter.get("name") or "" if parameter is not None else "",
                parse_expression(inner, ctx) if inner is not None else None,
            )
        )
    return Invocation(name, callee, tuple(bindings), where)


def _decision_table(element: etree._Element, ctx: ParseContext) -> DecisionTable | Invalid:
    where = _where(element, ctx)
    raw_policy = element.get("hitPolicy") or "UNIQUE"
    try:
        hit_policy = HitPolicy(raw_policy)
    except ValueError:
        return ctx.invalid(f"unknown hit policy '{raw_policy}'", where)
    raw_aggregation = element.get("aggregation")
    aggregation: Aggregation | None = None
    if raw_aggregation is not None and hit_policy is HitPolicy.COLLECT:
        try:
            aggregation = Aggregation(raw_aggregation)
        except ValueError:
            return ctx.invalid(f"unknown aggregation '{raw_aggregation}'", where)

    inputs = tuple(_input(number, e, ctx) for number, e in _numbered(element, "input", ctx))
    outputs = tuple(_output(number, e, ctx) for number, e in _numbered(element, "output", ctx))
    if not outputs:
        return ctx.invalid("decision table has no output", where)
    if len(outputs) > 1:
        if aggregation is not None:
            return ctx.invalid(
                f"hit policy COLLECT with aggregation {aggregation} needs a single output", where
            )
        for number, output in enumerate(outputs, start=1):
            if not output.name:
                return ctx.invalid(f"output {number} ('{output.id}') has no name", where)
    rules = tuple(
        _rule(number, e, inputs, outputs, ctx) for number, e in _numbered(element, "rule", ctx)
    )
    return DecisionTable(inputs, outputs, rules, hit_policy, aggregation, where)


def _numbered(
    element: etree._Element, tag: str, ctx: ParseContext
) -> list[tuple[int, etree._Element]]:
    return list(enumerate(children(element, tag, ctx), start=1))


def _input(number: int, element: etree._Element, ctx: ParseContext) -> TableInput:
    label = element.get("label")
    with ctx.cell(None, f"input {number} ('{label or element.get('id') or ''}')"):
        expression = ctx.expression(child(element, "inputExpression", ctx), _where(element, ctx))
    return TableInput(element.get("id") or "", label, expression)


def _output(number: int, element: etree._Element, ctx: ParseContext) -> TableOutput:
    name = element.get("name")
    label = element.get("label")
    default_element = child(element, "defaultOutputEntry", ctx)
    with ctx.cell(None, f"output {number} ('{name or label or element.get('id') or ''}')"):
        default = (
            ctx.expression(default_element, _where(element, ctx))
            if default_element is not None
            else None
        )
    values_text, _ = text_of(child(element, "outputValues", ctx), ctx)
    # Like Camunda, priorities are the comma-separated output values with quotes stripped.
    priorities = tuple(
        v.strip().replace('"', "").replace("'", "") for v in values_text.split(",") if v.strip()
    )
    return TableOutput(
        id=element.get("id") or "",
        name=name,
        label=label,
        type_ref=element.get("typeRef"),
        priorities=priorities,
        default=default,
    )


def _rule(
    number: int,
    element: etree._Element,
    inputs: tuple[TableInput, ...],
    outputs: tuple[TableOutput, ...],
    ctx: ParseContext,
) -> Rule:
    rule_id = element.get("id") or ""
    where = Where(rule_id or ctx.element_id, line_of(element))
    input_elements = children(element, "inputEntry", ctx)
    output_elements = children(element, "outputEntry", ctx)
    entries: list[CompiledTests | Invalid | None] = []
    results: list[Literal | Invalid] = []
    with ctx.cell(number, None):
        if len(input_elements) != len(inputs) or len(output_elements) != len(outputs):
            problem = ctx.invalid(
                f"rule has {len(input_elements)} input and {len(output_elements)} output "
                f"entries; the table has {len(inputs)} inputs and {len(outputs)} outputs",
                where,
            )
            return Rule(rule_id, number, (problem,), (problem,) * len(outputs))
    for column, (entry, table_input) in enumerate(zip(input_elements, inputs, strict=True), 1):
        with ctx.cell(number, f"column {column} (input '{table_input.name}')"):
            entries.append(ctx.unary_tests(entry, where))
    for offset, (entry, output) in enumerate(zip(output_elements, outputs, strict=True)):
        column = len(inputs) + offset + 1
        with ctx.cell(number, f"column {column} (output '{output.reported_name}')"):
            results.append(ctx.expression(entry, where))
    return Rule(rule_id, number, tuple(entries), tuple(results))
