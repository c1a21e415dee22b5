"""Rules over a loaded ledger, one module each, in an explicit, immutable registry.

A rule module defines ``RULE = Rule(code, name, severity, check, __doc__)``;
its docstring says what it checks, why it matters, and shows an example
(``budgetctl explain CODE`` prints it). The runner stamps every finding with
the rule's code and severity, so a rule cannot mislabel itself. Eligibility
rules read their parameters from streams.yaml; no rule knows a stream by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from budgetctl.diagnostics import Diagnostic
    from budgetctl.loading.codes import Code
    from budgetctl.model.ledger import Ledger
    from budgetctl.rules._rule import Rule

    RULES: tuple[Rule, ...]  # every rule, in the order they run: made on first use (``__getattr__``)

# Every rule as (its module, its code, its scope), in the order they run. A check of a few
# changed files runs only the rules of one scope, and importing all sixty modules would cost
# more than the check: it imports those it runs (``of_scope``) and reads the others' scopes
# here. A test holds this table to the modules' own ``RULE``.
TABLE: tuple[tuple[str, str, str], ...] = (
    ("unknown_stream", "R001", "file"),
    ("unknown_priority", "R002", "file"),
    ("year_without_budget", "R003", "file"),
    ("duplicate_project_id", "R004", "ledger"),
    ("over_allocated_stream", "A001", "ledger"),
    ("sources_mismatch", "A002", "streams"),
    ("empty_allocation", "A003", "file"),
    ("purpose_missing", "E001", "file"),
    ("purpose_not_allowed", "E002", "file"),
    ("required_field_missing", "E003", "file"),
    ("value_not_allowed", "E004", "file"),
    ("award_over_cap", "E005", "file"),
    ("excluded_cost", "E006", "file"),
    ("bad_owner", "R005", "streams"),
    ("project_outside_stream_folder", "R006", "file"),
    ("ring_fenced_without_purposes", "E007", "streams"),
    ("grant_incomplete", "G001", "file"),
    ("bad_org_id", "G002", "file"),
    ("deprecated_org_id", "G005", "file"),
    ("end_before_start", "G003", "file"),
    ("date_outside_allocations", "G004", "file"),
    ("adjustment_unknown_stream", "D001", "streams"),
    ("adjustment_without_budget", "D002", "streams"),
    ("virement_from_ring_fenced", "D003", "streams"),
    ("adjustment_source", "D004", "streams"),
    ("revised_below_zero", "D005", "streams"),
    ("carry_forward_year", "D006", "streams"),
    ("carry_forward_year_end", "D016", "streams"),
    ("carry_forward_on_balance", "D020", "streams"),
    ("unknown_reserve", "D007", "streams"),
    ("approval_before_proposal", "D008", "streams"),
    ("unknown_approver", "D009", "streams"),
    ("approver_below_tier", "D010", "streams"),
    ("decision_required", "D011", "streams"),
    ("decision_format", "D017", "streams"),
    ("virement_to_itself", "D012", "streams"),
    ("bad_delegation_tier", "D013", "streams"),
    ("committed_above_allocation", "A004", "file"),
    ("commitment_on_indicative_budget", "A005", "file"),
    ("year_state", "D018", "streams"),
    ("carry_forward_beyond_unspent", "D019", "in-year"),
    ("actual_unknown_project", "M001", "in-year"),
    ("duplicate_actual", "M002", "in-year"),
    ("actual_over_allocation", "M003", "in-year"),
    ("actual_without_allocation", "M004", "in-year"),
    ("actual_below_zero", "M005", "in-year"),
    ("forecast_date", "M006", "in-year"),
    ("forecast_unknown_project", "M007", "in-year"),
    ("forecast_reason_missing", "M008", "in-year"),
    ("forecast_below_actual", "M009", "in-year"),
    ("rag_thresholds_order", "M010", "streams"),
)


def _module(name: str) -> Any:
    # ``__import__`` (not importlib's, written in Python): faster, and seen by ``-X importtime``.
    return __import__(f"{__name__}.{name}", fromlist=["RULE"])


def _all() -> tuple[Rule, ...]:
    """``RULES``: every rule module imported once, in ``TABLE``'s order (or what a test set)."""
    found: tuple[Rule, ...] | None = globals().get("RULES")
    if found is None:
        found = tuple(_module(module).RULE for module, _, _ in TABLE)
        globals()["RULES"] = found
    return found


def __getattr__(name: str) -> object:
    if name == "RULES":
        return _all()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def of_scope(scope: str) -> list[Rule]:
    """The rules of ``scope``, in the order they run, importing only their modules."""
    loaded: tuple[Rule, ...] | None = globals().get("RULES")
    if loaded is not None:
        return [rule for rule in loaded if rule.scope == scope]
    return [_module(module).RULE for module, _, kind in TABLE if kind == scope]


def scopes() -> dict[str, str]:
    """Each rule's scope by its code, without importing a rule module."""
    loaded: tuple[Rule, ...] | None = globals().get("RULES")
    if loaded is not None:
        return {rule.code: rule.scope for rule in loaded}
    return {code: scope for _, code, scope in TABLE}


def run_rules(ledger: Ledger) -> list[Diagnostic]:
    """Every rule's findings, each stamped with its rule's code and severity."""
    from budgetctl.diagnostics import Diagnostic

    problems: list[Diagnostic] = []
    for rule in _all():
        for message, place in rule.check(ledger):
            problems.append(Diagnostic(rule.code, rule.severity, message, place.file, place.line, place.column))
    return problems


def catalogue(*, commands: bool = False) -> dict[str, Code]:
    """Every problem code ``validate`` can report, loader and schema codes first; with
    ``commands``, also those of ``fmt`` (F) and the 360Giving export (X)."""
    from budgetctl.loading.codes import CODES, COMMAND_CODES
    from budgetctl.rules import allocation_in_over_allocated_stream as changed  # run by validate --changed-since

    codes = dict(CODES)
    codes.update((rule.code, rule.as_code()) for rule in _all())
    codes[changed.CODE.code] = changed.CODE
    if commands:
        codes.update((code.code, code) for code in COMMAND_CODES)
    return codes


def lookup(code_or_name: str) -> Code | None:
    """A code by its code (``A001``, any case) or its name (``over-allocated-stream``)."""
    key = code_or_name.strip()
    codes = catalogue(commands=True)
    return codes.get(key.upper()) or next((c for c in codes.values() if c.name == key.lower()), None)
