"""The base of every model that parses process variables.

Forms and FEEL mappings send ``null`` for a field nobody filled in (``{comments: comments}`` with
no comment); a null optional field means "not given", so it takes its default, and a null
required field is reported as missing, naming the field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class InputModel(BaseModel):
    """Parses variables by their camelCase names (aliases) or by field names."""

    model_config = ConfigDict(populate_by_name=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_not_given(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


MAX_COUNT = 2_147_483_647
"""Largest head count a form may give: the INTEGER columns' limit on PostgreSQL and SQLite.

A bigger value is refused as invalid input naming the field instead of failing in the database.
"""
