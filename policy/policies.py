"""The rules of rules.py as CrossGuard resource policies, each mandatory unless the pack's config says
otherwise, each reporting what to do about a violation."""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from .rules import RULES, STACK_RULES, Rule, StackRule


def _validate(rule: Rule):
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        protect = bool(getattr(args.opts, "protect", False))
        for message in rule.check(args.resource_type, args.props, protect):
            report_violation(f"{message}. {rule.remediation}", args.urn)

    return validate


POLICIES = [
    ResourceValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=_validate(rule),
        enforcement_level=EnforcementLevel.MANDATORY,
        remediation_steps=rule.remediation,
    )
    for rule in RULES
]


def _validate_stack(rule: StackRule):
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for message in rule.check([(r.resource_type, r.props) for r in args.resources]):
            report_violation(f"{message}. {rule.remediation}")

    return validate


POLICIES += [
    StackValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=_validate_stack(rule),
        enforcement_level=EnforcementLevel.MANDATORY,
        remediation_steps=rule.remediation,
    )
    for rule in STACK_RULES
]
