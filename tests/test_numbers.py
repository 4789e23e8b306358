"""Numbers read from files go through one helper (readiness.files): finite, not booleans, in a double's range."""

from __future__ import annotations

import pytest
from conftest import AS_OF

from readiness.checks_operations import window_days
from readiness.files import decimal, number
from readiness.sources.litellm import monthly


@pytest.mark.parametrize(("value", "expected"), [(3, 3.0), (0.5, 0.5), (-2, -2.0), (10**300, 1e300)])
def test_a_finite_number_is_read_as_a_float(value, expected):
    assert number(value) == expected


@pytest.mark.parametrize("value", [True, False, None, "0.9", float("nan"), float("inf"), -float("inf"), 10**401, [1], {"a": 1}])
def test_anything_else_is_not_a_number(value):
    assert number(value) is None


def test_a_count_written_in_text_beyond_a_double_is_not_a_number():
    assert decimal("30") == 30.0 and decimal("0.5") == 0.5
    assert decimal("9" * 400) is None


def test_a_litellm_budget_over_a_duration_of_400_digits_has_no_monthly_figure():
    assert monthly(100.0, "30d") == 100.0
    assert monthly(100.0, "7d") == pytest.approx(428.57)
    assert monthly(100.0, "9" * 400 + "d") is None  # was 0.0: a budget of nothing a month
    assert monthly(100.0, "0d") is None


def test_a_window_of_400_digits_is_not_a_window():
    assert window_days("2w") == 14.0
    assert window_days("9" * 400 + "d") is None


@pytest.mark.parametrize("number_text", ["nan", "inf", "-inf", "1e400"])
def test_a_pyproject_config_with_a_number_that_is_not_finite_is_an_input_error(cli, project, number_text):
    project("pyproject.toml", f"[tool.readiness]\nweights = {{critical = {number_text}}}\n")
    manifest = project("readiness.yaml", "readiness: 1\nservice: {name: bot, kind: llm}\n")
    run = cli("audit", manifest, "--as-of", AS_OF, "--format", "json")
    assert run.exit_code == 2  # was an internal error when the JSON report met the NaN
    assert run.stderr == f"pyproject.toml: invalid TOML: expected a finite number, found {number_text}\n"


def test_a_pyproject_config_with_an_integer_beyond_a_double_is_an_input_error(cli, project):
    project("pyproject.toml", "[tool.other]\nbig = " + "1" * 400 + "\n[tool.readiness]\nweights = {critical = " + "1" * 401 + "}\n")
    manifest = project("readiness.yaml", "readiness: 1\nservice: {name: bot, kind: llm}\n")
    run = cli("audit", manifest, "--as-of", AS_OF)
    assert run.exit_code == 2  # was an internal error (OverflowError) when the score was computed
    assert run.stderr == "pyproject.toml: invalid TOML: expected a finite number, found a number of 401 digits\n"
