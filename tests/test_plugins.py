"""Python plugins (entry point group ``readiness.plugins``).

The first tests stand in for installed packages by pointing entry points at modules in a
temporary folder: each failure mode with its message. The last ones install the example
plugin (tests/plugin_example) into a fresh virtual environment with pip and run the real
``readiness`` command there, so that entry-point discovery is tested for real, not mocked.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

from conftest import AS_OF, REPO
from readiness import plugins
from readiness.errors import InputError
from readiness.functions import REGISTRY
from readiness.reporters import FORMATS
from readiness.rules import Catalog

EU_FUNCTION = """
from pathlib import Path
from readiness.functions import Function

def eu_region(value, options, call):
    \"\"\"The value is an EU region code.\"\"\"
    if value == "boom":
        raise RuntimeError("region table not loaded")
    return None if str(value).startswith("eu-") else f"{call.where} is {value!r}, outside the EU"

functions = [Function("acme_eu_region", eu_region)]
"""

PACK = """rules:
  - id: ACME001
    title: EU-serving models declare a data residency region
    category: data_residency
    severity: high
    given: x-acme
    then: {field: data_residency, function: acme_eu_region}
    remediation: "x-acme: {data_residency: eu-central-1}"
    why: GDPR chapter V.
    examples:
      pass: [{x-acme: {data_residency: eu-central-1}}]
      fail: [{x-acme: {data_residency: us-east-1}}]
"""


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Pretend modules are installed plugins: ``installed(acme=SOURCE, ...)``; forgotten after the test."""
    modules: list[str] = []
    monkeypatch.syspath_prepend(str(tmp_path / "site"))

    def install(**sources: str) -> None:
        entries = []
        for name, source in sources.items():
            module = f"fake_plugin_{name}"
            (tmp_path / "site").mkdir(exist_ok=True)
            (tmp_path / "site" / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
            modules.append(module)
            entries.append(importlib.metadata.EntryPoint(name, module, plugins.GROUP))
        # what plugins.may_be_declared() looks for before it asks importlib.metadata
        (tmp_path / "site" / "fake_plugins-0.dist-info").mkdir(exist_ok=True)
        (tmp_path / "site" / "fake_plugins-0.dist-info" / "entry_points.txt").write_text(f"[{plugins.GROUP}]\n", encoding="utf-8")
        monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: entries if group == plugins.GROUP else [])

    yield install
    for module in modules:
        sys.modules.pop(module, None)


COUNTING_REPORTER = """
class Count:
    def render(self, report, options):
        return f"{len(report.manifests)} manifest(s)\\n"

reporters = {"acme-count": Count()}
"""


def with_pack(source: str, pack: str = PACK) -> str:
    return source + f"\nrule_packs = [Path(__file__).parent / 'fake_pack.yaml']\nPath(__file__).parent.joinpath('fake_pack.yaml').write_text({pack!r})\n"


def test_a_plugin_function_that_raises_marks_its_rule_error_and_the_audit_goes_on(cli, project, installed):
    installed(acme=with_pack(EU_FUNCTION))
    manifest = project("readiness.yaml", "readiness: 1\nservice: {name: bot, kind: llm}\nmodel: {name: m, version: latest}\nx-acme: {data_residency: boom}\n")
    run = cli("audit", manifest, "--as-of", AS_OF, "--format", "json")
    assert run.exit_code == 1, run.stderr
    results = {r["rule"]: r for r in json.loads(run.stdout)["manifests"][0]["results"]}
    assert results["ACME001"]["status"] == "error"
    assert results["ACME001"]["message"] == "the check raised RuntimeError: region table not loaded"
    assert results["VER001"]["status"] == "fail"  # the other rules still ran
    assert len(results) > 50


def test_a_plugin_rule_passes_and_fails_like_a_built_in(cli, project, installed):
    installed(acme=with_pack(EU_FUNCTION))
    good = project("good.readiness.yaml", "readiness: 1\nx-acme: {data_residency: eu-west-1}\n")
    bad = project("bad.readiness.yaml", "readiness: 1\nx-acme: {data_residency: us-east-1}\n")
    assert cli("audit", good, "--as-of", AS_OF, "--select", "ACME001").exit_code == 0
    run = cli("audit", bad, "--as-of", AS_OF, "--select", "ACME001")
    assert run.exit_code == 1
    assert "x-acme.data_residency is 'us-east-1', outside the EU" in run.stdout
    assert "ACME001" in cli("rules").stdout
    assert cli("rules", "--check-examples", Path(plugins.load().plugins[0].rule_packs[0])).exit_code == 0


def test_a_run_with_a_plugin_changes_no_global_registry(cli, project, installed):
    installed(acme=with_pack(EU_FUNCTION) + COUNTING_REPORTER)
    functions, formats = set(REGISTRY), set(FORMATS)
    manifest = project("readiness.yaml", "readiness: 1\nx-acme: {data_residency: eu-west-1}\n")
    run = cli("audit", manifest, "--as-of", AS_OF, "--select", "ACME001", "--format", "acme-count")
    assert run.exit_code == 0, run.stderr
    assert run.stdout == "1 manifest(s)\n"
    extensions = plugins.load()
    assert "acme_eu_region" in extensions.functions and "present" in extensions.functions
    assert list(extensions.formats) == [*FORMATS, "acme-count"]
    assert set(REGISTRY) == functions and set(FORMATS) == formats
    pack = extensions.plugins[0].rule_packs[0]
    assert "ACME001" in [rule.id for rule in Catalog.load(extensions=extensions).rules]
    with pytest.raises(InputError) as refused:
        Catalog.load([pack])
    assert refused.value.message.startswith("unknown function 'acme_eu_region'; known functions: absent, ")
    assert refused.value.path.endswith("fake_pack.yaml") and refused.value.line == 7


def test_a_later_run_that_disables_the_plugin_cannot_name_what_it_added(cli, project, installed):
    installed(acme=with_pack(EU_FUNCTION) + COUNTING_REPORTER)
    manifest = project("readiness.yaml", "readiness: 1\nx-acme: {data_residency: eu-west-1}\n")
    assert cli("audit", manifest, "--as-of", AS_OF, "--select", "ACME001", "--format", "acme-count").exit_code == 0
    pack = plugins.load().plugins[0].rule_packs[0]
    project(".readiness.yaml", "disable_plugins: [acme]\n")
    listed = cli("rules", "--rules", pack)
    assert listed.exit_code == 2
    assert listed.stderr.startswith("site/fake_pack.yaml:7:35: unknown function 'acme_eu_region'; known functions: absent, "), listed.stderr
    audited = cli("audit", manifest, "--format", "acme-count")
    assert audited.exit_code == 2
    assert audited.stderr == f"readiness: --format: expected one of {', '.join(FORMATS)}, found 'acme-count'\n"


def test_a_plugin_that_fails_to_import_is_one_line_and_exit_2(cli, project, installed):
    installed(broken="raise RuntimeError('licence server unreachable')\n")
    for args in (["audit", project("readiness.yaml", "readiness: 1\n")], ["rules"], ["explain", "VER001"]):
        run = cli(*args)
        assert run.exit_code == 2 and run.stdout == ""
        assert run.stderr == "readiness: plugin 'broken' (fake_plugin_broken) failed to load: RuntimeError: licence server unreachable\n"


def test_the_config_can_disable_a_plugin(cli, project, installed):
    installed(broken="raise RuntimeError('licence server unreachable')\n", acme=with_pack(EU_FUNCTION))
    project(".readiness.yaml", "disable_plugins: [broken, not-installed-here]\n")
    run = cli("rules", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert "ACME001" in [rule["id"] for rule in json.loads(run.stdout)]
    assert [plugin.name for plugin in plugins.load({"broken", "not-installed-here"}).plugins] == ["acme"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "from readiness.functions import Function\nfunctions = [Function('present', lambda v, o, c: None)]\n",
            "plugin 'acme' (fake_plugin_acme) adds the function 'present', which clashes with the built-in function 'present'",
        ),
        (
            "class R:\n    def render(self, report, options): return ''\nreporters = {'json': R()}\n",
            "plugin 'acme' (fake_plugin_acme) adds the output format 'json', which clashes with the built-in output format 'json'",
        ),
        ("VERSION = 1\n", "plugin 'acme' (fake_plugin_acme): fake_plugin_acme has none of the attributes functions, rule_packs, reporters"),
        ("functions = {'f': print}\n", "plugin 'acme' (fake_plugin_acme): functions must be a list, found dict"),
        ("functions = [print]\n", "plugin 'acme' (fake_plugin_acme): functions must hold readiness.functions.Function objects, found <built-in function print>"),
        ("rule_packs = ['/nonexistent/rules.yaml']\n", "plugin 'acme' (fake_plugin_acme): rule pack /nonexistent/rules.yaml does not exist"),
        ("reporters = {'csv': object()}\n", "plugin 'acme' (fake_plugin_acme): reporter 'csv' must be an object with render(report, options) -> str"),
        (
            "from readiness.functions import Function\nfunctions = [Function('acme_f', lambda v, o, c: None, options={'days': {'type': 'int'}})]\n",
            "plugin 'acme' (fake_plugin_acme): the options of function 'acme_f' are not a valid JSON Schema: 'int' is not valid under any of the given schemas",
        ),
    ],
)
def test_a_malformed_or_clashing_plugin_is_named(cli, installed, source, message):
    installed(acme=source)
    run = cli("rules")
    assert run.exit_code == 2
    assert run.stderr == f"readiness: {message}\n"
    assert "present" in REGISTRY and REGISTRY["present"].check.__module__ == "readiness.functions"
    assert FORMATS["json"] == "readiness.reporters.json"


@pytest.mark.parametrize(
    ("render", "message"),
    [
        ("raise KeyError('manifests')", "output format 'acme-csv' failed: KeyError: 'manifests'"),
        ("return None", "output format 'acme-csv' returned NoneType, expected text"),
    ],
)
def test_a_plugin_reporter_that_fails_is_one_error_and_writes_nothing(cli, project, installed, render, message):
    installed(acme=f"class Csv:\n    def render(self, report, options):\n        {render}\nreporters = {{'acme-csv': Csv()}}\n")
    manifest = project("readiness.yaml", "readiness: 1\n")
    run = cli("audit", manifest, "--as-of", AS_OF, "--output", "json:report.json", "--output", "acme-csv:report.csv")
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr == f"readiness: plugin 'acme' (fake_plugin_acme): {message}\n"
    assert not (project.root / "report.json").exists() and not (project.root / "report.csv").exists()


def test_two_plugins_adding_one_function_name_both(cli, installed):
    installed(acme=EU_FUNCTION, globex=EU_FUNCTION)
    run = cli("rules")
    assert run.exit_code == 2
    assert run.stderr == "readiness: plugin 'globex' (fake_plugin_globex) adds the function 'acme_eu_region', which plugin 'acme' (fake_plugin_acme) already adds; uninstall or disable one of them\n"


def test_a_plugin_rule_id_that_clashes_with_a_built_in_names_the_plugin_and_the_built_in(cli, installed):
    installed(acme=with_pack(EU_FUNCTION, PACK.replace("ACME001", "VER001")))
    run = cli("rules")
    assert run.exit_code == 2
    line = run.stderr.strip()
    pattern = r"\S+/fake_pack\.yaml:2: duplicate rule id VER001 \(plugin 'acme' \(fake_plugin_acme\)\): already defined at \S*checks/versioning\.yaml:\d+ \(built-in checklist\)"
    assert re.fullmatch(pattern, line), line


@pytest.mark.parametrize("option", ["--version", "--help"])
def test_plugins_are_not_loaded_for_version_or_help(option):
    code = f"import sys; from readiness.cli import main; sys.argv = ['readiness', '{option}']; main()"
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True)
    assert run.returncode == 0 and "readiness.cli" in run.stderr
    assert "readiness.plugins" not in run.stderr


def test_the_cheap_scan_says_no_only_where_importlib_metadata_finds_no_plugin(tmp_path, monkeypatch):
    if not plugins.may_be_declared():
        assert not list(importlib.metadata.entry_points(group=plugins.GROUP))
    for layout in ("acme_rules-1.0.dist-info", "acme_rules-1.0.egg-info", "acme_rules-1.0.egg/EGG-INFO"):
        folder = tmp_path / layout.replace("/", "-") / layout
        folder.mkdir(parents=True)
        for metadata in ("METADATA", "PKG-INFO"):
            (folder / metadata).write_text("Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n")
        (folder / "entry_points.txt").write_text("[console_scripts]\nacme = acme:main\n\n[readiness.plugins]\nacme = acme_rules\n")
        monkeypatch.syspath_prepend(str(folder.parent))
        assert plugins.may_be_declared(), layout
        assert [entry.name for entry in importlib.metadata.entry_points(group=plugins.GROUP)] == ["acme"]
        monkeypatch.undo()


def test_a_zip_file_on_sys_path_counts_as_maybe(tmp_path, monkeypatch):
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip file
    monkeypatch.syspath_prepend(str(archive))
    assert plugins.may_be_declared()


def test_python_m_readiness_never_loads_a_plugin_from_the_audited_repository(tmp_path):
    # an untrusted repository that looks like an installed plugin to a sys.path that holds it
    (tmp_path / "evil-1.0.dist-info").mkdir()
    (tmp_path / "evil-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n")
    (tmp_path / "evil-1.0.dist-info" / "entry_points.txt").write_text("[readiness.plugins]\nevil = evil_plugin\n")
    (tmp_path / "evil_plugin.py").write_text("print('code from the audited repository ran')\nfunctions = []\n")
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    run = subprocess.run([sys.executable, "-m", "readiness", "rules", "--format", "json"], capture_output=True, text=True, cwd=tmp_path, env=environment)
    assert run.returncode == 0, run.stderr
    assert "audited repository ran" not in run.stdout + run.stderr
    assert json.loads(run.stdout)


# --- the example plugin, installed for real -------------------------------------------------

EU_MANIFEST = """readiness: 1
service: {name: support-bot, kind: llm, risk: high}
x-acme: {markets: [eu, us], data_residency: %s}
"""


def run_in(environment: dict[str, str], bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / "readiness"), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=environment, timeout=120)


def pip(environment: dict[str, str], bin_dir: Path, *args: str) -> None:
    done = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *args], capture_output=True, text=True, env=environment, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory: pytest.TempPathFactory):
    """A fresh virtual environment (no system site-packages) with readiness and the example plugin
    installed by pip from this working tree. PyPI supplies only the build backend (installed once,
    so that each local build skips an isolated build environment) and the dependencies."""
    root = tmp_path_factory.mktemp("plugin-venv")
    venv.EnvBuilder(with_pip=True, clear=True).create(root / "venv")
    bin_dir = root / "venv" / ("Scripts" if os.name == "nt" else "bin")
    # pip settings (index, certificates) stay; nothing may leak in from the environment running the tests
    environment = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    environment.update(PIP_CACHE_DIR=str(root / "pip-cache"), PIP_DISABLE_PIP_VERSION_CHECK="1", NO_COLOR="1")
    pip(environment, bin_dir, "hatchling>=1.21", "pyyaml>=6.0")  # the build requirements (pyproject.toml)
    pip(environment, bin_dir, "--no-build-isolation", str(REPO), str(REPO / "tests" / "plugin_example"))
    work = root / "project"
    (work / ".git").mkdir(parents=True)
    return environment, bin_dir, work


def test_the_installed_package_reads_every_built_in_pack_from_its_twin(plugin_env):
    environment, bin_dir, work = plugin_env
    code = "from readiness import precompiled, rules; print(*(precompiled.read(pack, pack.name) is not None for pack in rules.pack_files(rules.builtin_checks_dir())))"
    done = subprocess.run([str(bin_dir / "python"), "-c", code], capture_output=True, text=True, env=environment, check=True, cwd=work)
    assert done.stdout.split() == ["True"] * len(list((REPO / "checks").glob("*.yaml")))


def test_installed_plugin_rule_shows_in_rules_and_explain(plugin_env):
    environment, bin_dir, work = plugin_env
    listed = run_in(environment, bin_dir, "rules", "--format", "json", cwd=work)
    assert listed.returncode == 0, listed.stderr
    acme = next(rule for rule in json.loads(listed.stdout) if rule["id"] == "ACME001")
    assert acme["category"] == "data_residency" and acme["severity"] == "high"
    explained = run_in(environment, bin_dir, "explain", "ACME001", cwd=work)
    assert explained.returncode == 0 and "EU-serving models declare a data residency region" in explained.stdout
    where = subprocess.run([str(bin_dir / "python"), "-c", "import acme_readiness; print(acme_readiness.rule_packs[0])"], capture_output=True, text=True, env=environment, check=True)
    checked = run_in(environment, bin_dir, "rules", "--check-examples", where.stdout.strip(), cwd=work)
    assert checked.returncode == 0 and checked.stdout == "1 rule(s): every example behaves as expected\n"


def test_installed_plugin_rule_passes_and_fails_in_an_audit(plugin_env):
    environment, bin_dir, work = plugin_env
    (work / "readiness.yaml").write_text(EU_MANIFEST % "eu-central-1", encoding="utf-8")
    passing = run_in(environment, bin_dir, "audit", "--select", "ACME001", "--as-of", AS_OF, "--format", "json", cwd=work)
    assert passing.returncode == 0, passing.stderr
    assert [r["status"] for r in json.loads(passing.stdout)["manifests"][0]["results"]] == ["pass"]
    (work / "readiness.yaml").write_text(EU_MANIFEST % "us-east-1", encoding="utf-8")
    failing = run_in(environment, bin_dir, "audit", "--select", "ACME001", "--as-of", AS_OF, cwd=work)
    assert failing.returncode == 1
    assert "EU personal data may leave the EU: x-acme.data_residency is 'us-east-1', a region outside the EU" in failing.stdout
    assert "Data residency" in failing.stdout


def test_installed_plugin_output_format(plugin_env):
    environment, bin_dir, work = plugin_env
    (work / "readiness.yaml").write_text(EU_MANIFEST % "us-east-1", encoding="utf-8")
    run = run_in(environment, bin_dir, "audit", "--select", "ACME001", "--as-of", AS_OF, "--format", "acme-csv", cwd=work)
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines() == [
        "file,rule,status,severity,message",
        "readiness.yaml,ACME001,fail,high,\"EU personal data may leave the EU: x-acme.data_residency is 'us-east-1', a region outside the EU\"",
    ]


def test_installed_broken_plugin_is_one_clear_error(plugin_env):
    environment, bin_dir, work = plugin_env
    target = work.parent / "broken-site"
    pip(environment, bin_dir, "--no-build-isolation", "--no-deps", "--target", str(target), str(REPO / "tests" / "plugin_broken"))
    broken = {**environment, "PYTHONPATH": str(target)}
    (work / "readiness.yaml").write_text(EU_MANIFEST % "eu-central-1", encoding="utf-8")
    run = run_in(broken, bin_dir, "audit", cwd=work)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == "readiness: plugin 'broken' (broken-readiness 0.1.0) failed to load: RuntimeError: ACME licence server unreachable\n"
    assert run_in(broken, bin_dir, "--version", cwd=work).returncode == 0  # plugins load only when a command needs them
