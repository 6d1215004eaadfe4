"""Deploying forms and DMN decision requirements (the non-BPMN resources of a deployment)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from lxml import etree

from engine.api import DeployedDecision, DeployedDecisionRequirements, DeployedForm
from engine.runtime.entities import NO_KEY
from engine.runtime.repository import DecisionDefinition, DrgDefinition, FormDefinition
from engine.store import ResourceRow

if TYPE_CHECKING:
    from engine.runtime.deploy import Deployer, ParsedResource


def deploy_form(
    deployer: Deployer, item: ParsedResource, tenant: str, deployment_key: int
) -> DeployedForm:
    form_id: str = item.value["id"]
    name = item.resource.name
    duplicate = deployer.duplicate_of("form", form_id, tenant, item)
    if duplicate is not None:
        existing = deployer.ctx.repo.forms[duplicate]
        return DeployedForm(form_id, existing.version, existing.key, name, tenant)
    text = item.resource.content.decode("utf-8")
    definition = FormDefinition(
        key=deployer.ctx.state.new_key(),
        form_id=form_id,
        version=deployer.version("form", form_id, tenant),
        resource_name=name,
        checksum=item.checksum,
        tenant_id=tenant,
        deployment_key=deployment_key,
        json_text=text,
    )
    deployer.ctx.write(
        "FORM",
        "CREATED",
        definition.key,
        {
            "formId": form_id,
            "version": definition.version,
            "formKey": definition.key,
            "resourceName": name,
            "checksum": item.checksum,
            "resource": text,
            "deploymentKey": deployment_key,
            "tenantId": tenant,
        },
    )
    deployer.ctx.resource_rows.append(
        ResourceRow(
            definition.key,
            "form",
            form_id,
            definition.version,
            name,
            item.checksum,
            deployment_key,
            tenant,
            NO_KEY,
            "{}",
            item.resource.content,
        )
    )
    deployer.ctx.defer(lambda: deployer.ctx.repo.add_form(definition))
    return DeployedForm(form_id, definition.version, definition.key, name, tenant)


_ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"


def decision_version_tags(content: bytes) -> dict[str, str]:
    """Decision id → ``zeebe:versionTag`` value (Camunda 8.6+ decisions may carry one)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError:
        return {}  # the DMN parser has accepted the resource; nothing to read here
    tags: dict[str, str] = {}
    for decision in root.iter():
        if not isinstance(decision.tag, str) or etree.QName(decision).localname != "decision":
            continue
        for tag in decision.iter(f"{{{_ZEEBE_NS}}}versionTag"):
            value = (tag.get("value") or "").strip()
            if value and decision.get("id"):
                tags[decision.get("id", "")] = value
    return tags


def _adder(deployer: Deployer, decision: DecisionDefinition) -> Callable[[], None]:
    return lambda: deployer.ctx.repo.add_decision(decision)


def deploy_drg(
    deployer: Deployer, item: ParsedResource, tenant: str, deployment_key: int
) -> tuple[DeployedDecisionRequirements, list[DeployedDecision]]:
    drg = item.value
    name = item.resource.name
    duplicate = deployer.duplicate_of("drg", drg.id, tenant, item)
    if duplicate is not None:
        existing = deployer.ctx.repo.drgs[duplicate]
        kept = [d for d in deployer.ctx.repo.decisions.values() if d.drg_key == existing.key]
        return (
            DeployedDecisionRequirements(
                drg.id, drg.name, existing.version, existing.key, name, tenant
            ),
            [
                DeployedDecision(
                    d.decision_id, d.name, d.version, d.key, drg.id, existing.key, tenant
                )
                for d in kept
            ],
        )
    definition = DrgDefinition(
        key=deployer.ctx.state.new_key(),
        drg_id=drg.id,
        name=drg.name,
        version=deployer.version("drg", drg.id, tenant),
        resource_name=name,
        checksum=item.checksum,
        tenant_id=tenant,
        deployment_key=deployment_key,
        drg=drg,
        content=item.resource.content,
    )
    deployer.ctx.write(
        "DECISION_REQUIREMENTS",
        "CREATED",
        definition.key,
        {
            "decisionRequirementsId": drg.id,
            "decisionRequirementsName": drg.name,
            "decisionRequirementsVersion": definition.version,
            "decisionRequirementsKey": definition.key,
            "namespace": drg.namespace,
            "resourceName": name,
            "checksum": item.checksum,
            "resource": item.resource.content.decode("utf-8", errors="replace"),
            "tenantId": tenant,
        },
    )
    deployer.ctx.resource_rows.append(
        ResourceRow(
            definition.key,
            "drg",
            drg.id,
            definition.version,
            name,
            item.checksum,
            deployment_key,
            tenant,
            NO_KEY,
            json.dumps({"name": drg.name}),
            item.resource.content,
        )
    )
    deployer.ctx.defer(lambda: deployer.ctx.repo.add_drg(definition))
    deployed: list[DeployedDecision] = []
    version_tags = decision_version_tags(item.resource.content)
    for decision in drg.decisions.values():
        decision_def = DecisionDefinition(
            key=deployer.ctx.state.new_key(),
            decision_id=decision.id,
            name=decision.name,
            version=deployer.version("decision", decision.id, tenant),
            drg_key=definition.key,
            tenant_id=tenant,
            deployment_key=deployment_key,
            version_tag=version_tags.get(decision.id),
        )
        deployer.ctx.write(
            "DECISION",
            "CREATED",
            decision_def.key,
            {
                "decisionId": decision.id,
                "decisionName": decision.name,
                "version": decision_def.version,
                "decisionKey": decision_def.key,
                "decisionRequirementsId": drg.id,
                "decisionRequirementsKey": definition.key,
                "versionTag": decision_def.version_tag or "",
                "deploymentKey": deployment_key,
                "tenantId": tenant,
            },
        )
        deployer.ctx.resource_rows.append(
            ResourceRow(
                decision_def.key,
                "decision",
                decision.id,
                decision_def.version,
                name,
                item.checksum,
                deployment_key,
                tenant,
                definition.key,
                json.dumps({"name": decision.name, "versionTag": decision_def.version_tag}),
                b"",
            )
        )
        deployer.ctx.defer(_adder(deployer, decision_def))
        deployed.append(
            DeployedDecision(
                decision.id,
                decision.name,
                decision_def.version,
                decision_def.key,
                drg.id,
                definition.key,
                tenant,
            )
        )
    return (
        DeployedDecisionRequirements(
            drg.id, drg.name, definition.version, definition.key, name, tenant
        ),
        deployed,
    )
