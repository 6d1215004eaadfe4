"""FEEL built-in functions: the DMN 1.4 set plus Camunda's extensions.

Importing the package registers every function in :data:`BUILTINS`.
"""

from engine.feel.builtins import (  # noqa: F401 - imported to register the functions
    contexts,
    conversion,
    json_fns,
    lists,
    numbers,
    ranges,
    strings,
    temporal_fns,
)
from engine.feel.builtins.registry import BUILTINS, CURRENT_ENV, builtin, call_builtin

__all__ = ["BUILTINS", "CURRENT_ENV", "builtin", "call_builtin"]
