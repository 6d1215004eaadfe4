"""The search tables behind the REST API, projected from the record log.

They live in their own ``MetaData`` (prefix ``q_``) next to the store's tables, so the runtime's
schema and migrations never depend on them: they can be dropped and rebuilt from the log. Dates
are integer milliseconds since the epoch (range filters and sorting stay plain SQL); keys are
64-bit integers. Indexes serve the searches people run (definitions, states, keys, dates,
assignees, candidate groups, variable names); each one costs every step that writes its table, so
columns that are rarely filtered on or only hold a flag (an instance's end date, ``has_incident``,
an element's flow scope) have none and are filtered by a scan.

Text and PostgreSQL. The exporter runs inside the engine's committing transaction, so a value
the database refuses fails the user's command. Hence:

* Every column holding text that users, models or workers supply (ids, names, assignees,
  candidates, messages, variable names and values) is :class:`SearchText`: unbounded ``TEXT``,
  since Zeebe sets no length limit on them. Only enum-like columns the engine fills (states,
  element and error types, candidate kinds) keep a short ``VARCHAR``.
* PostgreSQL ``text`` cannot hold U+0000. :class:`SearchText` replaces it with U+FFFD (the
  Unicode replacement character) in every value written and in every value searched for, on
  every database, so both behave alike and a search for a name with U+0000 finds the stored
  row. The raw-SQL writes of :mod:`engine.query.buffer` apply :func:`storable` themselves. The
  record log keeps the original (its JSON escapes U+0000); only the projection is lossy.
* A PostgreSQL B-tree entry must fit about 2.7 kB (after compression). Text the engine bounds
  (BPMN ids: 255 characters, see ``engine.model.parser``) keeps B-tree indexes. Unbounded text
  (variable names, assignees, candidates, form and decision ids) is indexed on PostgreSQL by
  ``hash`` indexes, which store a 4-byte hash and serve the equality and ``$in`` filters that
  use them; SQLite has no such limit and keeps its B-trees (``ddl_if`` picks per dialect).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Dialect,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

NUL = "\x00"
NUL_REPLACEMENT = "\ufffd"


def storable(value: str) -> str:
    """``value`` as the search tables store it: U+0000 (refused by PostgreSQL) as U+FFFD."""
    return value.replace(NUL, NUL_REPLACEMENT) if NUL in value else value


class SearchText(TypeDecorator[str]):
    """Unbounded text whose bound values (written or searched for) pass :func:`storable`."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        """Replace U+0000 in a string value; anything else passes unchanged."""
        return storable(value) if isinstance(value, str) else value


metadata = MetaData()

# A key column that is the primary key. On SQLite an ``INTEGER`` primary key is the table's rowid
# (a ``BIGINT`` one gets a second B-tree beside it), so every row write touches one tree fewer.
# SQLite integers are 64-bit, as Zeebe keys are.
Key = BigInteger().with_variant(Integer(), "sqlite")


def hash_on_postgres(name: str, column: str) -> Index:
    """An index for equality on unbounded text: a hash index on PostgreSQL (no entry size
    limit), a B-tree on SQLite."""
    return Index(name, column, postgresql_using="hash")


process_definition = Table(
    "q_process_definition",
    metadata,
    Column("process_definition_key", Key, primary_key=True, autoincrement=False),
    Column("process_definition_id", SearchText, nullable=False, index=True),  # a BPMN id
    Column("name", SearchText),
    Column("version", Integer, nullable=False),
    Column("version_tag", SearchText),
    Column("resource_name", SearchText, nullable=False),
    Column("bpmn_xml", SearchText),
    Column("tenant_id", SearchText, nullable=False),
)

# Element names come from the BPMN, not from the records; instances look them up here. Only BPMN
# elements are kept, whose ids the parser bounds, so the primary key fits a B-tree entry.
element_name = Table(
    "q_element_name",
    metadata,
    Column("process_definition_key", Key, primary_key=True, autoincrement=False),
    Column("element_id", SearchText, primary_key=True),
    Column("name", SearchText, nullable=False),
    sqlite_with_rowid=False,
)

decision_requirements = Table(
    "q_decision_requirements",
    metadata,
    Column("decision_requirements_key", Key, primary_key=True, autoincrement=False),
    Column("decision_requirements_id", SearchText, nullable=False),
    Column("name", SearchText),
    Column("version", Integer, nullable=False),
    Column("resource_name", SearchText),
    Column("dmn_xml", SearchText),
    Column("tenant_id", SearchText, nullable=False),
    hash_on_postgres(
        "ix_q_decision_requirements_decision_requirements_id", "decision_requirements_id"
    ),
)

decision_definition = Table(
    "q_decision_definition",
    metadata,
    Column("decision_definition_key", Key, primary_key=True, autoincrement=False),
    Column("decision_definition_id", SearchText, nullable=False),
    Column("name", SearchText),
    Column("version", Integer, nullable=False),
    Column("decision_requirements_id", SearchText),
    Column("decision_requirements_key", BigInteger),
    Column("tenant_id", SearchText, nullable=False),
    hash_on_postgres("ix_q_decision_definition_decision_definition_id", "decision_definition_id"),
)

form = Table(
    "q_form",
    metadata,
    Column("form_key", Key, primary_key=True, autoincrement=False),
    Column("form_id", SearchText, nullable=False),
    Column("version", Integer, nullable=False),
    Column("resource_name", SearchText),
    Column("schema", SearchText),
    Column("tenant_id", SearchText, nullable=False),
    Index("ix_q_form_id_version", "form_id", "version").ddl_if(dialect="sqlite"),
    # A form has few versions: the hash finds them all, the newest is picked among them.
    Index("ix_q_form_id", "form_id", postgresql_using="hash").ddl_if(dialect="postgresql"),
)

process_instance = Table(
    "q_process_instance",
    metadata,
    Column("process_instance_key", Key, primary_key=True, autoincrement=False),
    Column("process_definition_id", SearchText, nullable=False, index=True),  # a BPMN id
    Column("process_definition_name", SearchText),
    Column("process_definition_version", Integer, nullable=False),
    Column("process_definition_key", BigInteger, nullable=False, index=True),
    Column("state", String(16), nullable=False, index=True),
    Column("has_incident", Boolean, nullable=False, default=False),
    Column("start_date", BigInteger, nullable=False, index=True),
    Column("end_date", BigInteger),
    Column("parent_process_instance_key", BigInteger, index=True),
    Column("parent_element_instance_key", BigInteger),
    Column("tenant_id", SearchText, nullable=False),
)

element_instance = Table(
    "q_element_instance",
    metadata,
    Column("element_instance_key", Key, primary_key=True, autoincrement=False),
    Column("process_instance_key", BigInteger, nullable=False, index=True),
    Column("process_definition_key", BigInteger, nullable=False),
    Column("process_definition_id", SearchText, nullable=False),
    Column("flow_scope_key", BigInteger),
    Column("element_id", SearchText, nullable=False, index=True),  # a BPMN id
    Column("element_name", SearchText),
    Column("type", String(64), nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("has_incident", Boolean, nullable=False, default=False),
    Column("incident_key", BigInteger),
    Column("start_date", BigInteger, nullable=False),
    Column("end_date", BigInteger),
    Column("tenant_id", SearchText, nullable=False),
)

user_task = Table(
    "q_user_task",
    metadata,
    Column("user_task_key", Key, primary_key=True, autoincrement=False),
    Column("name", SearchText),
    Column("state", String(16), nullable=False, index=True),
    Column("assignee", SearchText),
    Column("element_id", SearchText, nullable=False, index=True),  # a BPMN id
    Column("element_instance_key", BigInteger, nullable=False),
    Column("candidate_groups", SearchText, nullable=False, default="[]"),  # JSON list, for output
    Column("candidate_users", SearchText, nullable=False, default="[]"),
    Column("process_definition_id", SearchText, nullable=False),
    Column("process_definition_key", BigInteger, nullable=False),
    Column("process_definition_version", Integer, nullable=False),
    Column("process_instance_key", BigInteger, nullable=False, index=True),
    Column("creation_date", BigInteger, nullable=False, index=True),
    Column("completion_date", BigInteger),
    Column("due_date", BigInteger, index=True),
    Column("follow_up_date", BigInteger, index=True),
    Column("priority", Integer, nullable=False, default=50),
    Column("form_key", BigInteger),
    Column("external_form_reference", SearchText),
    Column("custom_headers", SearchText, nullable=False, default="{}"),
    Column("tenant_id", SearchText, nullable=False),
    hash_on_postgres("ix_q_user_task_assignee", "assignee"),
)

# One row per candidate group or user, so "candidateGroup = X" is an indexed EXISTS. The primary
# key numbers a task's candidates of one kind (``ordinal``) instead of holding the candidate
# itself, whose length is unbounded.
user_task_candidate = Table(
    "q_user_task_candidate",
    metadata,
    Column("user_task_key", Key, nullable=False, autoincrement=False),
    Column("kind", String(8), nullable=False),  # group | user
    Column("value", SearchText, nullable=False),
    Column("ordinal", Integer, nullable=False),
    PrimaryKeyConstraint("user_task_key", "kind", "ordinal"),
    Index("ix_q_user_task_candidate_value", "kind", "value").ddl_if(dialect="sqlite"),
    Index("ix_q_user_task_candidate_value_hash", "value", postgresql_using="hash").ddl_if(
        dialect="postgresql"
    ),
    # Rows are their primary key: on SQLite, no rowid tree beside it.
    sqlite_with_rowid=False,
)

variable = Table(
    "q_variable",
    metadata,
    Column("variable_key", Key, primary_key=True, autoincrement=False),
    Column("name", SearchText, nullable=False),
    Column("value", SearchText, nullable=False),  # JSON text, full length
    Column("is_truncated", Boolean, nullable=False, default=False),
    Column("scope_key", BigInteger, nullable=False),
    Column("process_instance_key", BigInteger, nullable=False, index=True),
    Column("tenant_id", SearchText, nullable=False),
    Index("ix_q_variable_scope_name", "scope_key", "name").ddl_if(dialect="sqlite"),
    # A scope holds few variables: its name is then picked among them without an index.
    Index("ix_q_variable_scope", "scope_key").ddl_if(dialect="postgresql"),
    hash_on_postgres("ix_q_variable_name", "name"),
)

incident = Table(
    "q_incident",
    metadata,
    Column("incident_key", Key, primary_key=True, autoincrement=False),
    Column("process_definition_id", SearchText, nullable=False),
    Column("process_definition_key", BigInteger, nullable=False),
    Column("process_instance_key", BigInteger, nullable=False, index=True),
    Column("error_type", String(64), nullable=False, index=True),
    Column("error_message", SearchText, nullable=False),
    Column("element_id", SearchText, nullable=False),
    Column("element_instance_key", BigInteger, nullable=False, index=True),
    Column("job_key", BigInteger),
    Column("creation_time", BigInteger, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("tenant_id", SearchText, nullable=False),
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
    Column("tenant_id", SearchText, nullable=False),
)

# The version of the tables above and of their projection. A change to either bumps it; the
# exporter then drops the search tables and rebuilds them from the record log (they are a
# projection, never a source). 2: decision evaluations; incidents of called instances mark
# their callers. 3: no indexes on instance end dates, incident flags and flow scopes; rowid
# primary keys on SQLite. 4: unbounded text without U+0000; hash indexes on PostgreSQL for
# unbounded text; candidates keyed by ordinal; element names of BPMN elements only.
SCHEMA_VERSION = 4

meta = Table(
    "q_meta",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
)
