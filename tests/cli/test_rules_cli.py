"""``dedup rules`` and ``dedup explain``: every rule listed; descriptions and examples that hold."""

from __future__ import annotations

import inspect

import pytest
from click.testing import CliRunner

import dedup
from dedup.cli import EXIT_ERROR, EXIT_OK, cli
from dedup.rules import registry

RULES = registry.all()
CODES = [r.code for r in RULES]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_rules_lists_every_rule_with_its_metadata() -> None:
    result = invoke("rules")
    assert result.exit_code == EXIT_OK
    lines = result.stdout.splitlines()
    for rule in RULES:
        [line] = [x for x in lines if x.startswith(rule.code + " ")]
        assert rule.name in line and rule.kind in line and rule.default_severity.value in line
        assert rule.description()[:40] in line


def test_rule_codes_are_stable_and_unique() -> None:
    assert len(set(CODES)) == len(CODES)
    assert all(len(code) == 6 and code[:3].isalpha() and code[3:].isdigit() for code in CODES)
    for code in ("DUP001", "DUP002", "DUP003", "NUM001"):
        assert code in CODES


@pytest.mark.parametrize("code", CODES)
def test_explain_prints_description_options_and_examples(code: str) -> None:
    rule = registry.get(code)
    result = invoke("explain", code)
    assert result.exit_code == EXIT_OK
    out = result.stdout
    assert out.startswith(f"{rule.code} {rule.name} (kind {rule.kind}")
    assert inspect.cleandoc(rule.__doc__ or "").splitlines()[0] in out
    for option in rule.options:
        assert f"  {option} = " in out
    for bad, _ in rule.examples_bad:
        assert bad.splitlines()[0] in out
    if rule.examples_bad:
        assert "\nFlags:\n" in out
    if rule.examples_good:
        assert "Leaves alone:\n" in out
    # by name too, case-insensitively for codes
    assert invoke("explain", rule.name).stdout == out
    assert invoke("explain", code.lower()).stdout == out


@pytest.mark.parametrize("code", CODES)
def test_explain_examples_are_true(code: str) -> None:
    """What ``explain`` says a rule flags, it flags; what it leaves alone, it leaves alone."""
    rule = registry.get(code)
    for bad, fixed in rule.examples_bad:
        rules = [f.rule for f in dedup.check_text(bad)]
        assert code in rules, f"{code} does not flag its example {bad!r}"
        if fixed is not None:
            assert dedup.clean_text(bad).text == fixed, f"{code}: clean does not give the example's fix"
    for good in rule.examples_good:
        rules = [f.rule for f in dedup.check_text(good)]
        assert code not in rules, f"{code} flags its counter-example {good!r}"


def test_explain_an_unknown_rule() -> None:
    result = invoke("explain", "XYZ999")
    assert result.exit_code == EXIT_ERROR
    assert "no rule 'XYZ999'" in result.output
