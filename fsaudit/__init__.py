"""fsaudit: audit France services structures against the national charter.

The public API is what ``__all__`` lists; every other module is private. Names are imported on
first use so that ``fsaudit --version`` stays fast.
"""

from __future__ import annotations

from fsaudit._version import __version__

TYPE_CHECKING = False  # not imported from typing: ``import fsaudit`` stays cheap
if TYPE_CHECKING:
    from typing import Any

    from fsaudit.engine import audit
    from fsaudit.hookspecs import API_VERSION, hookimpl
    from fsaudit.inputs import (
        InputProblem,
        LoadedStructure,
        ManualAnswer,
        Reader,
        ReadResult,
        validate_declaration,
    )
    from fsaudit.referential import Referential, ReferentialError
    from fsaudit.report import (
        Action,
        AuditReport,
        Decision,
        DecisionCode,
        Reporter,
        Result,
        Section,
        StructureReport,
        report_to_dict,
    )
    from fsaudit.rule import CharterReference, Outcome, Rule, RuleContext, Scope, Severity, Status

__all__ = [
    "API_VERSION",
    "Action",
    "AuditReport",
    "CharterReference",
    "Decision",
    "DecisionCode",
    "InputProblem",
    "LoadedStructure",
    "ManualAnswer",
    "Outcome",
    "ReadResult",
    "Reader",
    "Referential",
    "ReferentialError",
    "Reporter",
    "Result",
    "Rule",
    "RuleContext",
    "Scope",
    "Section",
    "Severity",
    "Status",
    "StructureReport",
    "__version__",
    "audit",
    "hookimpl",
    "report_to_dict",
    "validate_declaration",
]

_LOCATIONS = {
    "audit": "fsaudit.engine",
    "API_VERSION": "fsaudit.hookspecs",
    "hookimpl": "fsaudit.hookspecs",
    "InputProblem": "fsaudit.inputs",
    "LoadedStructure": "fsaudit.inputs",
    "ManualAnswer": "fsaudit.inputs",
    "Reader": "fsaudit.inputs",
    "ReadResult": "fsaudit.inputs",
    "validate_declaration": "fsaudit.inputs",
    "Referential": "fsaudit.referential",
    "ReferentialError": "fsaudit.referential",
    "Action": "fsaudit.report",
    "AuditReport": "fsaudit.report",
    "Decision": "fsaudit.report",
    "DecisionCode": "fsaudit.report",
    "Reporter": "fsaudit.report",
    "Result": "fsaudit.report",
    "Section": "fsaudit.report",
    "StructureReport": "fsaudit.report",
    "report_to_dict": "fsaudit.report",
    "CharterReference": "fsaudit.rule",
    "Outcome": "fsaudit.rule",
    "Rule": "fsaudit.rule",
    "RuleContext": "fsaudit.rule",
    "Scope": "fsaudit.rule",
    "Severity": "fsaudit.rule",
    "Status": "fsaudit.rule",
}


def __getattr__(name: str) -> Any:
    module = _LOCATIONS.get(name)
    if module is None:
        raise AttributeError(f"module 'fsaudit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
