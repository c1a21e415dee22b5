"""Rules over a loaded ledger, one module each, in an explicit, immutable registry.

A rule module defines ``RULE = Rule(code, name, severity, check, __doc__)``;
its docstring says what it checks, why it matters, and shows an example
(``budgetctl explain CODE`` prints it). The runner stamps every finding with
the rule's code and severity, so a rule cannot mislabel itself. Eligibility
rules read their parameters from streams.yaml; no rule knows a stream by name.
"""

from __future__ import annotations

from budgetctl.diagnostics import Diagnostic
from budgetctl.loading.codes import CODES, COMMAND_CODES, Code
from budgetctl.model.ledger import Ledger
from budgetctl.rules import (
    actual_below_zero,
    actual_over_allocation,
    actual_unknown_project,
    actual_without_allocation,
    adjustment_source,
    adjustment_unknown_stream,
    adjustment_without_budget,
    approval_before_proposal,
    approver_below_tier,
    award_over_cap,
    bad_delegation_tier,
    bad_org_id,
    bad_owner,
    carry_forward_beyond_unspent,
    carry_forward_on_balance,
    carry_forward_year,
    carry_forward_year_end,
    commitment_on_indicative_budget,
    committed_above_allocation,
    date_outside_allocations,
    decision_format,
    decision_required,
    deprecated_org_id,
    duplicate_actual,
    duplicate_project_id,
    empty_allocation,
    end_before_start,
    excluded_cost,
    forecast_below_actual,
    forecast_date,
    forecast_reason_missing,
    forecast_unknown_project,
    grant_incomplete,
    over_allocated_stream,
    project_outside_stream_folder,
    purpose_missing,
    purpose_not_allowed,
    rag_thresholds_order,
    required_field_missing,
    revised_below_zero,
    ring_fenced_without_purposes,
    sources_mismatch,
    unknown_approver,
    unknown_priority,
    unknown_reserve,
    unknown_stream,
    value_not_allowed,
    virement_from_ring_fenced,
    virement_to_itself,
    year_state,
    year_without_budget,
)
from budgetctl.rules._rule import Rule

RULES: tuple[Rule, ...] = (
    unknown_stream.RULE,
    unknown_priority.RULE,
    year_without_budget.RULE,
    duplicate_project_id.RULE,
    over_allocated_stream.RULE,
    sources_mismatch.RULE,
    empty_allocation.RULE,
    purpose_missing.RULE,
    purpose_not_allowed.RULE,
    required_field_missing.RULE,
    value_not_allowed.RULE,
    award_over_cap.RULE,
    excluded_cost.RULE,
    bad_owner.RULE,
    project_outside_stream_folder.RULE,
    ring_fenced_without_purposes.RULE,
    grant_incomplete.RULE,
    bad_org_id.RULE,
    deprecated_org_id.RULE,
    end_before_start.RULE,
    date_outside_allocations.RULE,
    adjustment_unknown_stream.RULE,
    adjustment_without_budget.RULE,
    virement_from_ring_fenced.RULE,
    adjustment_source.RULE,
    revised_below_zero.RULE,
    carry_forward_year.RULE,
    carry_forward_year_end.RULE,
    carry_forward_on_balance.RULE,
    unknown_reserve.RULE,
    approval_before_proposal.RULE,
    unknown_approver.RULE,
    approver_below_tier.RULE,
    decision_required.RULE,
    decision_format.RULE,
    virement_to_itself.RULE,
    bad_delegation_tier.RULE,
    committed_above_allocation.RULE,
    commitment_on_indicative_budget.RULE,
    year_state.RULE,
    carry_forward_beyond_unspent.RULE,
    actual_unknown_project.RULE,
    duplicate_actual.RULE,
    actual_over_allocation.RULE,
    actual_without_allocation.RULE,
    actual_below_zero.RULE,
    forecast_date.RULE,
    forecast_unknown_project.RULE,
    forecast_reason_missing.RULE,
    forecast_below_actual.RULE,
    rag_thresholds_order.RULE,
)


def run_rules(ledger: Ledger) -> list[Diagnostic]:
    """Every rule's findings, each stamped with its rule's code and severity."""
    problems: list[Diagnostic] = []
    for rule in RULES:
        for message, place in rule.check(ledger):
            problems.append(Diagnostic(rule.code, rule.severity, message, place.file, place.line, place.column))
    return problems


def catalogue(*, commands: bool = False) -> dict[str, Code]:
    """Every problem code ``validate`` can report, loader and schema codes first; with
    ``commands``, also those of ``fmt`` (F) and the 360Giving export (X)."""
    from budgetctl.rules import allocation_in_over_allocated_stream as changed  # run by validate --changed-since

    codes = dict(CODES)
    codes.update((rule.code, rule.as_code()) for rule in RULES)
    codes[changed.CODE.code] = changed.CODE
    if commands:
        codes.update((code.code, code) for code in COMMAND_CODES)
    return codes


def lookup(code_or_name: str) -> Code | None:
    """A code by its code (``A001``, any case) or its name (``over-allocated-stream``)."""
    key = code_or_name.strip()
    codes = catalogue(commands=True)
    return codes.get(key.upper()) or next((c for c in codes.values() if c.name == key.lower()), None)
