"""The search tables behind the REST API, projected from the record log.

They live in their own ``MetaData`` (prefix ``q_``) next to the store's tables, so the runtime's
schema and migrations never depend on them: they can be dropped and rebuilt from the log. Dates
are integer milliseconds since the epoch (range filters and sorting stay plain SQL); keys are
64-bit integers. Indexes serve the searches people run (definitions, states, keys, dates,
assignees, candidate groups, variable names); each one costs every step that writes its table, so
columns that are rarely filtered on or only hold a flag (an instance's end date, ``has_incident``,
an element's flow scope) have none and are filtered by a scan.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# A key column that is the primary key. On SQLite an ``INTEGER`` primary key is the table's rowid
# (a ``BIGINT`` one gets a second B-tree beside it), so every row write touches one tree fewer.
# SQLite integers are 64-bit, as Zeebe keys are.
Key = BigInteger().with_variant(Integer(), "sqlite")

process_definition = Table(
    "q_process_definition",
    metadata,
    Column("process_definition_key", Key, primary_key=True, autoincrement=False),
    Column("process_definition_id", String(255), nullable=False, index=True),
    Column("name", String(255)),
    Column("version", Integer, nullable=False),
    Column("version_tag", String(255)),
    Column("resource_name", String(1024), nullable=False),
    Column("bpmn_xml", Text),
    Column("tenant_id", String(255), nullable=False),
)

# Element names come from the BPMN, not from the records; instances look them up here.
element_name = Table(
    "q_element_name",
    metadata,
    Column("process_definition_key", Key, primary_key=True, autoincrement=False),
    Column("element_id", String(255), primary_key=True),
    Column("name", String(1024), nullable=False),
    sqlite_with_rowid=False,
)

decision_requirements = Table(
    "q_decision_requirements",
    metadata,
    Column("decision_requirements_key", Key, primary_key=True, autoincrement=False),
    Column("decision_requirements_id", String(255), nullable=False, index=True),
    Column("name", String(255)),
    Column("version", Integer, nullable=False),
    Column("resource_name", String(1024)),
    Column("dmn_xml", Text),
    Column("tenant_id", String(255), nullable=False),
)

decision_definition = Table(
    "q_decision_definition",
    metadata,
    Column("decision_definition_key", Key, primary_key=True, autoincrement=False),
    Column("decision_definition_id", String(255), nullable=False, index=True),
    Column("name", String(255)),
    Column("version", Integer, nullable=False),
    Column("decision_requirements_id", String(255)),
    Column("decision_requirements_key", BigInteger),
    Column("tenant_id", String(255), nullable=False),
)

form = Table(
    "q_form",
    metadata,
    Column("form_key", Key, primary_key=True, autoincrement=False),
    Column("form_id", String(255), nullable=False),
    Column("version", Integer, nullable=False),
    Column("resource_name", String(1024)),
    Column("schema", Text),
    Column("tenant_id", String(255), nullable=False),
    Index("ix_q_form_id_version", "form_id", "version"),
)

process_instance = Table(
    "q_process_instance",
    metadata,
    Column("process_instance_key", Key, primary_key=True, autoincrement=False),
    Column("process_definition_id", String(255), nullable=False, index=True),
    Column("process_definition_name", String(255)),
    Column("process_definition_version", Integer, nullable=False),
    Column("process_definition_key", BigInteger, nullable=False, index=True),
    Column("state", String(16), nullable=False, index=True),
    Column("has_incident", Boolean, nullable=False, default=False),
    Column("start_date", BigInteger, nullable=False, index=True),
    Column("end_date", BigInteger),
    Column("parent_process_instance_key", BigInteger, index=True),
    Column("parent_element_instance_key", BigInteger),
    Column("tenant_id", String(255), nullable=False),
)

element_instance = Table(
    "q_element_instance",
    metadata,
    Column("element_instance_key", Key, primary_key=True, autoincrement=False),
    Column("process_instance_key", BigInteger, nullable=False, index=True),
    Column("process_definition_key", BigInteger, nullable=False),
    Column("process_definition_id", String(255), nullable=False),
    Column("flow_scope_key", BigInteger),
    Column("element_id", String(255), nullable=False, index=True),
    Column("element_name", String(1024)),
    Column("type", String(64), nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("has_incident", Boolean, nullable=False, default=False),
    Column("incident_key", BigInteger),
    Column("start_date", BigInteger, nullable=False),
    Column("end_date", BigInteger),
    Column("tenant_id", String(255), nullable=False),
)

user_task = Table(
    "q_user_task",
    metadata,
    Column("user_task_key", Key, primary_key=True, autoincrement=False),
    Column("name", String(1024)),
    Column("state", String(16), nullable=False, index=True),
    Column("assignee", String(255), index=True),
    Column("element_id", String(255), nullable=False, index=True),
    Column("element_instance_key", BigInteger, nullable=False),
    Column("candidate_groups", Text, nullable=False, default="[]"),  # JSON list, for output
    Column("candidate_users", Text, nullable=False, default="[]"),
    Column("process_definition_id", String(255), nullable=False),
    Column("process_definition_key", BigInteger, nullable=False),
    Column("process_definition_version", Integer, nullable=False),
    Column("process_instance_key", BigInteger, nullable=False, index=True),
    Column("creation_date", BigInteger, nullable=False, index=True),
    Column("completion_date", BigInteger),
    Column("due_date", BigInteger, index=True),
    Column("follow_up_date", BigInteger, index=True),
    Column("priority", Integer, nullable=False, default=50),
    Column("form_key", BigInteger),
    Column("external_form_reference", String(1024)),
    Column("custom_headers", Text, nullable=False, default="{}"),
    Column("tenant_id", String(255), nullable=False),
)

# One row per candidate group or user, so "candidateGroup = X" is an indexed EXISTS.
user_task_candidate = Table(
    "q_user_task_candidate",
    metadata,
    Column("user_task_key", Key, primary_key=True, autoincrement=False),
    Column("kind", String(8), primary_key=True),  # group | user
    Column("value", String(255), primary_key=True),
    Index("ix_q_user_task_candidate_value", "kind", "value"),
    # Rows are their primary key: on SQLite, no rowid tree beside it.
    sqlite_with_rowid=False,
)

variable = Table(
    "q_variable",
    metadata,
    Column("variable_key", Key, primary_key=True, autoincrement=False),
    Column("name", String(255), nullable=False),
    Column("value", Text, nullable=False),  # JSON text, full length
    Column("is_truncated", Boolean, nullable=False, default=False),
    Column("scope_key", BigInteger, nullable=False),
    Column("process_instance_key", BigInteger, nullable=False, index=True),
    Column("tenant_id", String(255), nullable=False),
    Index("ix_q_variable_scope_name", "scope_key", "name"),
    Index("ix_q_variable_name", "name"),
)

incident = Table(
    "q_incident",
    metadata,
    Column("incident_key", Key, primary_key=True, autoincrement=False),
    Column("process_definition_id", String(255), nullable=False),
    Column("process_definition_key", BigInteger, nullable=False),
    Column("process_instance_key", BigInteger, nullable=False, index=True),
    Column("error_type", String(64), nullable=False, index=True),
    Column("error_message", Text, nullable=False),
    Column("element_id", String(255), nullable=False),
    Column("element_instance_key", BigInteger, nullable=False, index=True),
    Column("job_key", BigInteger),
    Column("creation_time", BigInteger, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("tenant_id", String(255), nullable=False),
)

# One row per decision evaluation (DECISION_EVALUATION EVALUATED/FAILED), so the REST API can
# report the ``decisionEvaluationKey`` Camunda returns from an evaluation.
decision_evaluation = Table(
    "q_decision_evaluation",
    metadata,
    Column("decision_evaluation_key", Key, primary_key=True, autoincrement=False),
    Column("decision_definition_key", BigInteger, nullable=False),
    Column("process_instance_key", BigInteger),
    Column("state", String(16), nullable=False),
    Column("evaluation_date", BigInteger, nullable=False),
    Column("tenant_id", String(255), nullable=False),
)

# The version of the tables above and of their projection. A change to either bumps it; the
# exporter then drops the search tables and rebuilds them from the record log (they are a
# projection, never a source). 2: decision evaluations; incidents of called instances mark
# their callers. 3: no indexes on instance end dates, incident flags and flow scopes; rowid
# primary keys on SQLite.
SCHEMA_VERSION = 3

meta = Table(
    "q_meta",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
)
