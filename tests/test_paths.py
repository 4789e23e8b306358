"""The path language custom packs are written in: what each step selects, and every parse error."""

from __future__ import annotations

import pytest

from readiness.paths import Path, PathSyntaxError, display, pointer

DATA = {
    "monitoring": {
        "alerts": [
            {"name": "quality", "runbook": "rb/q.md"},
            {"name": "latency"},
            {"name": "cost", "runbook": "rb/c.md"},
        ],
        "slo": {"latency_p95_ms": 4000, "error_rate": 0.02},
    },
    "prompts": [],
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$", [((), DATA)]),
        ("monitoring.alerts[0].name", [(("monitoring", "alerts", 0, "name"), "quality")]),
        ("monitoring.alerts[2]", [(("monitoring", "alerts", 2), {"name": "cost", "runbook": "rb/c.md"})]),
        ("monitoring.alerts[3]", []),
        ("monitoring.slo[0]", []),
        ("monitoring.alerts[*].runbook", [(("monitoring", "alerts", 0, "runbook"), "rb/q.md"), (("monitoring", "alerts", 2, "runbook"), "rb/c.md")]),
        ("monitoring.slo[*]", [(("monitoring", "slo", "latency_p95_ms"), 4000), (("monitoring", "slo", "error_rate"), 0.02)]),
        ("monitoring.alerts[*].name[0]", []),
        ("monitoring[*][0].name", [(("monitoring", "alerts", 0, "name"), "quality")]),
        ("monitoring[*][3]", []),  # an index one past the end, after a wildcard: nothing, not an IndexError
        ("prompts[*]", []),
        ("monitoring.alerts.name", []),
        ("nowhere.else", []),
    ],
)
def test_select_reaches_every_value_the_path_names_in_document_order(text, expected):
    assert Path.parse(text).select(DATA) == expected


def test_select_paths_are_absolute_under_a_base():
    alerts = DATA["monitoring"]["alerts"]
    assert Path.parse("[1].name").select(alerts, ("monitoring", "alerts")) == [(("monitoring", "alerts", 1, "name"), "latency")]
    assert Path.parse("[*].runbook").select(alerts, ("m",)) == [(("m", 0, "runbook"), "rb/q.md"), (("m", 2, "runbook"), "rb/c.md")]


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("monitoring.alerts[1].runbook", ("monitoring", "alerts", 1, "runbook")),
        ("monitoring.alerts[7].runbook", ("monitoring", "alerts", 7)),
        ("monitoring.alerts[3].runbook", ("monitoring", "alerts", 3)),  # one past the end
        ("monitoring.slo.error_rate", ("monitoring", "slo", "error_rate")),  # nothing missing: the whole path
        ("monitoring.dashboards", ("monitoring", "dashboards")),
        ("monitoring.slo.availability", ("monitoring", "slo", "availability")),
        ("monitoring.alerts[*].owner", ("monitoring", "alerts")),
        ("governance.model_card", ("governance",)),
        ("monitoring.slo[0]", ("monitoring", "slo", 0)),
    ],
)
def test_first_missing_is_the_existing_prefix_plus_the_first_absent_step(text, missing):
    assert Path.parse(text).first_missing(DATA) == missing


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("monitoring..alerts", "invalid path 'monitoring..alerts' at character 12"),
        (".monitoring", "invalid path '.monitoring' at character 1"),
        ("monitoring alerts", "invalid path 'monitoring alerts' at character 11"),
        ("alerts[x]", "invalid path 'alerts[x]' at character 7"),
        ("alerts[0]name", "invalid path 'alerts[0]name': missing '.' before 'name'"),
        ("alerts.[0]", "invalid path 'alerts.[0]': '[' after '.'"),
        ("monitoring.", "invalid path 'monitoring.': ends with '.'"),
    ],
)
def test_every_parse_error_names_the_path_and_what_is_wrong(text, message):
    with pytest.raises(PathSyntaxError) as error:
        Path.parse(text)
    assert str(error.value) == message


def test_an_empty_path_is_the_root_and_a_key_may_hold_dashes():
    assert Path.parse("") == Path("$", ())
    assert Path.parse("x-acme.data_residency").steps == ("x-acme", "data_residency")


def test_display_and_pointer_spell_a_path_for_messages_and_reports():
    assert display(()) == "$"
    assert display(("release", "rollback", 0, "runbook")) == "release.rollback[0].runbook"
    assert display((0, "a")) == "[0].a"
    assert pointer(("a/b", "c~d", 3)) == "/a~1b/c~0d/3"
    assert pointer(()) == ""


def test_the_project_root_is_the_enclosing_git_work_tree(tmp_path):
    """A manifest in a subfolder may cite ``../`` evidence inside the repository; without a ``.git``
    above it, its own folder is the root and the same citation is outside."""
    from readiness.evidence import Evidence, EvidenceProblem, find_project_root

    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "rollback.md").write_text("# Roll back\n")
    service = tmp_path / "services" / "svc"
    service.mkdir(parents=True)
    assert find_project_root(service) == service
    with pytest.raises(EvidenceProblem, match="resolves outside the project root"):
        Evidence(service, find_project_root(service)).read("../../shared/rollback.md")
    (tmp_path / ".git").mkdir()
    assert find_project_root(service) == tmp_path
    assert Evidence(service, find_project_root(service)).read("../../shared/rollback.md") == b"# Roll back\n"


def test_a_parsed_path_is_immutable_and_hashable_so_rules_can_share_it():
    path = Path.parse("monitoring.alerts[*].runbook")
    assert hash(path) == hash(Path.parse("monitoring.alerts[*].runbook"))
    with pytest.raises(AttributeError):
        path.steps = ()  # type: ignore[misc]
