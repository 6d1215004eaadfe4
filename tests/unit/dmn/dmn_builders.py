"""Builders for DMN XML used by the DMN unit tests (DMN 1.3 as Camunda Modeler writes it)."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMN11 = "http://www.omg.org/spec/DMN/20151101/dmn.xsd"
DMN12 = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMN14 = "https://www.omg.org/spec/DMN/20211108/MODEL/"
DMN15 = "https://www.omg.org/spec/DMN/20230324/MODEL/"


def definitions(body: str, namespace: str = DMN13) -> bytes:
    """Wrap DRG elements in ``<definitions>`` the way Camunda Modeler 5 writes a DMN 1.3 file."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<definitions xmlns="{namespace}" '
        'xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" '
        'xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" '
        'xmlns:modeler="http://camunda.org/schema/modeler/1.0" '
        'id="Definitions_Risk" name="风险评估" namespace="http://camunda.org/schema/1.0/dmn" '
        'exporter="Camunda Modeler" exporterVersion="5.31.0" '
        'modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">\n'
        f"{body}\n"
        "</definitions>\n"
    ).encode()


def table(
    decision_id: str,
    *,
    inputs: Sequence[tuple[str, str]],
    outputs: Sequence[str],
    rules: Sequence[Sequence[str]],
    hit_policy: str = "UNIQUE",
    aggregation: str | None = None,
    defaults: Sequence[str | None] = (),
    requires: Sequence[str] = (),
    name: str | None = None,
) -> str:
    """A decision with a decision table.

    ``inputs`` are (label, FEEL expression); ``outputs`` are output names; each rule lists the
    input entries followed by the output entries.
    """
    aggregation_attr = f' aggregation="{aggregation}"' if aggregation else ""
    parts = [
        f'<decision id="{decision_id}" name="{escape(name or decision_id)}">',
        *(
            f'<informationRequirement id="IR_{decision_id}_{r}">'
            f'<requiredDecision href="#{r}"/></informationRequirement>'
            for r in requires
        ),
        f'<decisionTable id="DT_{decision_id}" hitPolicy="{hit_policy}"{aggregation_attr}>',
    ]
    for number, (label, expression) in enumerate(inputs, start=1):
        parts.append(
            f'<input id="Input_{number}" label="{escape(label)}">'
            f'<inputExpression id="InputExpression_{number}" typeRef="string">'
            f"<text>{escape(expression)}</text></inputExpression></input>"
        )
    for number, output in enumerate(outputs, start=1):
        default = defaults[number - 1] if number <= len(defaults) else None
        default_xml = (
            f"<defaultOutputEntry><text>{escape(default)}</text></defaultOutputEntry>"
            if default is not None
            else ""
        )
        parts.append(
            f'<output id="Output_{number}" name="{escape(output)}" label="{escape(output)}">'
            f"{default_xml}</output>"
        )
    for row, cells in enumerate(rules, start=1):
        parts.append(f'<rule id="Rule_{row}">')
        for column, cell in enumerate(cells):
            tag = "inputEntry" if column < len(inputs) else "outputEntry"
            parts.append(
                f'<{tag} id="Entry_{row}_{column + 1}"><text>{escape(cell)}</text></{tag}>'
            )
        parts.append("</rule>")
    parts.append("</decisionTable></decision>")
    return "\n".join(parts)


def literal(
    decision_id: str,
    text: str,
    *,
    requires: Sequence[str] = (),
    knowledge: Sequence[str] = (),
    type_ref: str | None = None,
    variable: str | None = None,
) -> str:
    """A decision with a literal expression."""
    type_attr = f' typeRef="{type_ref}"' if type_ref else ""
    return "\n".join(
        [
            f'<decision id="{decision_id}" name="{decision_id}">',
            f'<variable id="V_{decision_id}" name="{variable or decision_id}"{type_attr}/>',
            *(
                f'<informationRequirement><requiredDecision href="#{r}"/></informationRequirement>'
                for r in requires
            ),
            *(
                f'<knowledgeRequirement><requiredKnowledge href="#{k}"/></knowledgeRequirement>'
                for k in knowledge
            ),
            f'<literalExpression id="LE_{decision_id}"><text>{escape(text)}</text>'
            "</literalExpression>",
            "</decision>",
        ]
    )
