"""fsaudit: audit France services structures against the national charter.

The public API is what ``__all__`` lists; every other module is private. Names are imported on
first use so that ``fsaudit --version`` stays fast.
"""

from __future__ import annotations

from fsaudit._version import __version__

TYPE_CHECKING = False  # not imported from typing: ``import fsaudit`` stays cheap
if TYPE_CHECKING:
    from typing import Any

    from fsaudit.inputs.reader import InputProblem, LoadedStructure, ManualAnswer, Reader, ReadResult
    from fsaudit.inputs.validation import validate_declaration
    from fsaudit.model.referential import Referential, ReferentialError
    from fsaudit.model.result import (
        Action,
        AuditReport,
        Decision,
        DecisionCode,
        Result,
        Section,
        StructureReport,
    )
    from fsaudit.model.rule import CharterReference, Outcome, Rule, RuleContext, Scope, Severity, Status
    from fsaudit.plugin.hookspecs import API_VERSION, hookimpl
    from fsaudit.report.json_contract import report_to_dict
    from fsaudit.report.reporter import Reporter
    from fsaudit.run.engine import audit

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
    "audit": "fsaudit.run.engine",
    "API_VERSION": "fsaudit.plugin.hookspecs",
    "hookimpl": "fsaudit.plugin.hookspecs",
    "InputProblem": "fsaudit.inputs.reader",
    "LoadedStructure": "fsaudit.inputs.reader",
    "ManualAnswer": "fsaudit.inputs.reader",
    "Reader": "fsaudit.inputs.reader",
    "ReadResult": "fsaudit.inputs.reader",
    "validate_declaration": "fsaudit.inputs.validation",
    "Referential": "fsaudit.model.referential",
    "ReferentialError": "fsaudit.model.referential",
    "Action": "fsaudit.model.result",
    "AuditReport": "fsaudit.model.result",
    "Decision": "fsaudit.model.result",
    "DecisionCode": "fsaudit.model.result",
    "Reporter": "fsaudit.report.reporter",
    "Result": "fsaudit.model.result",
    "Section": "fsaudit.model.result",
    "StructureReport": "fsaudit.model.result",
    "report_to_dict": "fsaudit.report.json_contract",
    "CharterReference": "fsaudit.model.rule",
    "Outcome": "fsaudit.model.rule",
    "Rule": "fsaudit.model.rule",
    "RuleContext": "fsaudit.model.rule",
    "Scope": "fsaudit.model.rule",
    "Severity": "fsaudit.model.rule",
    "Status": "fsaudit.model.rule",
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
