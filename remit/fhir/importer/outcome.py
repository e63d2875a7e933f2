"""The import's OperationOutcome: every problem found, named by resource and FHIRPath, and the refusal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
MAX_ISSUES = 200


@dataclass(frozen=True)
class Issue:
    severity: str
    code: str
    diagnostics: str
    expression: str

    def to_dict(self) -> JSON:
        return {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.diagnostics,
            "expression": [self.expression],
        }


@dataclass
class Report:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    error_count: int = 0

    def error(self, where: str, expression: str, message: str, code: str = "invalid") -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ISSUES:
            self.errors.append(Issue("error", code, f"{where}: {message}", expression))

    def warning(self, where: str, expression: str, message: str) -> None:
        if len(self.warnings) < MAX_ISSUES:
            self.warnings.append(Issue("warning", "informational", f"{where}: {message}", expression))

    def operation_outcome(self) -> JSON:
        issues = [issue.to_dict() for issue in self.errors]
        if self.error_count > len(self.errors):
            issues.append(
                {
                    "severity": "information",
                    "code": "too-costly",
                    "diagnostics": f"{self.error_count - len(self.errors)} more error(s) not listed",
                }
            )
        issues += [issue.to_dict() for issue in self.warnings]
        return {"resourceType": "OperationOutcome", "issue": issues}


class ImportRejected(Exception):
    """The import was refused as a whole; ``outcome`` is the OperationOutcome. Nothing was stored."""

    def __init__(self, outcome: JSON, summary: str) -> None:
        self.outcome = outcome
        super().__init__(summary)
