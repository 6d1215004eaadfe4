"""Every job type the models use, in one place. BPMN tests check the models against this list.

Stable identifiers: renaming one is a breaking change for deployed process versions.
"""

from __future__ import annotations

from enum import StrEnum


class JobType(StrEnum):
    """Job types of the service tasks in bpmn/ (``zeebe:taskDefinition type=…``)."""

    REGISTER_ITEM = "wenping-register-item"
    """Stage 1: validate and store an item and its responsible subject; returns ``itemId``."""
    RECORD_PLAN = "wenping-record-plan"
    """Stage 2: store the assessment plan (visit ratio, stakeholder groups, expert units)."""
    SAMPLE_REPRESENTATIVES = "wenping-sample-representatives"
    """Stage 3: stratified, reproducible sample of stakeholder representatives."""
    SCHEDULE_HEARING = "wenping-schedule-hearing"
    """Stage 3/4: hearing date and composition; BPMN error ERR_HEARING_COMPOSITION on violation."""
    RECORD_OPINIONS = "wenping-record-opinions"
    """Stage 3/4: store the opinion summary, visit and survey records."""
    RECORD_RISK_REGISTER = "wenping-record-risk-register"
    """Stage 5: store risk points (factor, probability, impact, measure, unit, deadline)."""
    DRAW_EXPERT_PANEL = "wenping-draw-expert-panel"
    """Stage 6: reproducible draw from a pool; BPMN error ERR_EXPERT_POOL_TOO_SMALL."""
    REDRAW_EXPERT = "wenping-redraw-expert"
    """Stage 6: replace an expert who refused or declared a conflict."""
    AGGREGATE_EXPERT_OPINIONS = "wenping-aggregate-expert-opinions"
    """Stage 6: the panel opinion from the individual written opinions."""
    ASSEMBLE_REPORT = "wenping-assemble-report"
    """Stage 6/7: the report on the NDRC 428 outline, written as DOCX and stored with the item."""
    FILE_WITH_COMMISSION = "wenping-file-with-commission"
    """Stage 8: filing number and ledger entry with the Political-Legal Commission, exactly once."""
    RECORD_STAGE = "wenping-record-stage"
    """Any stage: a ledger (台账) line saying the item reached a stage."""
    RECORD_DECISION = "wenping-record-decision"
    """Result gate: record approved / held back / stopped with the level that decided it."""
    NOTIFY = "wenping-notify"
    """Reminders and escalation notices to a group (overdue tasks, colour escalation)."""
