"""Check functions that read the reports a manifest cites and count for themselves what they say:
judge calibration labels, red-team findings, data files, SBOMs, lockfiles, test files and prose documents.

Every one opens the cited file through ``call.evidence.read`` (confined, size-limited) and turns a
file it cannot use into a failing reason naming the file; the parsers are in
:mod:`readiness.evidence_formats`.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable

from . import evidence_formats as formats, lockfiles
from .evidence import EvidenceProblem
from .files import describe
from .functions import MISSING, Call, function, hash_matches

_FRACTION = {"type": "number", "minimum": 0, "maximum": 1}
_COUNT = {"type": "integer", "minimum": 0}
# A test definition in Python, JavaScript/TypeScript, Go or JUnit, or an assertion (a CI check script
# that asserts without a test framework tests too; a file of TODO comments and imports does not).
TEST_DEFINITION = re.compile(r"^\s*(async\s+)?def\s+test_\w*|^\s*(it|test)\s*\(|^\s*func\s+Test\w*\(|@Test\b|^\s*assert\b|\bexpect\s*\(", re.MULTILINE)


def _read(path: Any, call: Call, where: str) -> tuple[bytes | None, str | None]:
    """The cited file's bytes, or the reason it cannot serve as evidence."""
    if not isinstance(path, str):
        return None, f"{where} is {describe(path)}, expected a file path"
    try:
        return call.evidence.read(path), None
    except EvidenceProblem as problem:
        return None, f"{where}: {problem}"


@function("document", options={"min_words": _COUNT, "names": {"type": "array", "items": {"type": "string"}, "minItems": 1}}, reads_evidence=True)
def document(value: Any, options: dict, call: Call) -> str | None:
    """The value is the path of a prose document (runbook, model card, plan, review) with real content:
    UTF-8 text of at least ``min_words`` words (default 30) outside headings and placeholders, with no
    lorem ipsum, no unfilled template slots (``{{owner}}``, ``[insert …]``) and no section holding only TODO/TBD.
    With ``names`` (manifest paths such as ``service.name``), it also names one of the values declared
    there (case, spaces, ``-`` and ``_`` aside): a card written for another system does not count."""
    content, problem = _read(value, call, call.where)
    if problem:
        return problem
    try:
        found = formats.document_problem(content, value, options.get("min_words", 30))
        if not found and "names" in options:
            found = _names_none_of(formats.text_of(content, value), value, _declared(call.root, options["names"]))
    except EvidenceProblem as error:
        found = str(error)
    return f"{call.where}: {found}" if found else None


def _declared(root: dict, paths: list[str]) -> list[tuple[str, str]]:
    """(value, path) of each path (``service.name``) that declares a name or a number."""
    found = []
    for path in paths:
        value: Any = root
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            found.append((str(value).strip(), path))
    return found


def _names_none_of(text: str, cited: str, names: list[tuple[str, str]]) -> str | None:
    if not names:
        return None
    words = f" {_plain(text)} "
    if any(f" {_plain(name)} " in words for name, _ in names):
        return None
    listed = " nor ".join(f"{name!r} ({path})" for name, path in names)
    return f"{cited} names neither {listed}: is it this system's?" if len(names) > 1 else f"{cited} does not name {listed}: is it this system's?"


def _plain(text: str) -> str:
    return " ".join(re.split(r"[\W_]+", text.lower())).strip()


def _cited_report(value: Any, key: str, call: Call, parse: Callable[[bytes, str], Any], why: str) -> tuple[Any, str | None]:
    """(what ``parse`` reads from the file ``value[key]`` cites, None), or (None, why it cannot be read)."""
    if not isinstance(value, dict):
        return None, f"{call.where} is {describe(value)}, expected a mapping with {key}"
    cited = value.get(key)
    if cited is None:
        return None, f"{call.where}.{key} is missing: {why}"
    content, problem = _read(cited, call, f"{call.where}.{key}")
    if problem:
        return None, problem
    try:
        return parse(content, cited), None
    except EvidenceProblem as error:
        return None, f"{call.where}.{key}: {error}"


def _mismatch(name: str, declared: Any, computed: float, cited: str, tolerance: float) -> str | None:
    if isinstance(declared, bool) or not isinstance(declared, (int, float)) or not math.isclose(declared, computed, abs_tol=tolerance):
        return f"the manifest says {name}: {describe(declared).split(' ', 1)[-1]} but {cited} gives {computed:.3f}"
    return None


@function(
    "judge_calibration",
    options={"min_items": _COUNT, "min_kappa": {"type": "number", "minimum": -1, "maximum": 1}, "min_agreement": _FRACTION, "tolerance": _FRACTION},
    reads_evidence=True,
)
def judge_calibration(value: Any, options: dict, call: Call) -> str | None:
    """The value is a judge calibration (``evaluation.judge.calibration``) whose ``labels_file`` (per item id, human label, judge
    label) holds at least ``min_items`` items (default 100); the raw agreement readiness computes is at least
    ``min_agreement`` (default 0.8) and Cohen's kappa at least ``min_kappa`` (default 0.6), since raw agreement
    flatters a judge on imbalanced labels; and the ``human_agreement`` (or, with ``statistic: cohen_kappa``,
    the kappa), ``kappa`` and ``labels`` the manifest declares match the file (within ``tolerance``, default 0.01)."""
    measured, problem = _cited_report(value, "labels_file", call, formats.judge_agreement, "cite the human and judge labels so that agreement is computed, not typed in")
    if problem:
        return problem
    cited = value["labels_file"]
    tolerance = options.get("tolerance", 0.01)
    statistic = value.get("statistic", "agreement")
    problems = []
    if statistic not in ("agreement", "cohen_kappa"):
        problems.append(f"statistic {statistic} cannot be computed from categorical labels; declare agreement or cohen_kappa")
    if "human_agreement" in value and statistic in ("agreement", "cohen_kappa"):
        computed = measured.kappa if statistic == "cohen_kappa" else measured.agreement
        problems.append(_mismatch(f"human_agreement ({statistic})", value["human_agreement"], computed, cited, tolerance))
    if "kappa" in value:
        problems.append(_mismatch("kappa", value["kappa"], measured.kappa, cited, tolerance))
    if "labels" in value and value["labels"] != measured.items:
        problems.append(f"the manifest says labels: {value['labels']} but {cited} holds {measured.items} labelled items")
    if measured.items < options.get("min_items", 100):
        problems.append(f"{cited} holds {measured.items} labelled items, below the minimum of {options.get('min_items', 100)}")
    if measured.agreement < options.get("min_agreement", 0.8):
        problems.append(f"the judge agrees with people on {measured.agreement:.3f} of {cited}, below {options.get('min_agreement', 0.8)}")
    if measured.kappa < options.get("min_kappa", 0.6):
        problems.append(f"Cohen's kappa on {cited} is {measured.kappa:.3f}, below {options.get('min_kappa', 0.6)} (agreement {measured.agreement:.3f} is partly chance)")
    return "; ".join(problem for problem in problems if problem) or None


@function("red_team_findings", options={"max_open_critical": _COUNT, "max_open_high": _COUNT}, reads_evidence=True)
def red_team_findings(value: Any, options: dict, call: Call) -> str | None:
    """The value is a red-team record (``security.red_team``) whose ``findings`` file (per finding id, severity, status) is read and
    open findings are counted by severity; the ``open_critical`` and ``open_high`` the manifest declares equal
    the counts, and no more than ``max_open_critical`` (default 0) critical findings (and, when set,
    ``max_open_high`` high ones) are open."""
    counted, problem = _cited_report(value, "findings", call, formats.red_team_findings, "cite the findings file so that open findings are counted, not typed in")
    if problem:
        return problem
    cited = value["findings"]
    problems = []
    for severity in ("critical", "high"):
        key = f"open_{severity}"
        if key in value and value[key] != counted.open_by_severity[severity]:
            problems.append(f"the manifest says {key}: {value[key]} but {cited} lists {counted.open_by_severity[severity]} open {severity} finding(s)")
    limits = {"critical": options.get("max_open_critical", 0), "high": options.get("max_open_high")}
    for severity, limit in limits.items():
        if limit is not None and counted.open_by_severity[severity] > limit:
            problems.append(f"{cited} lists {counted.open_by_severity[severity]} open {severity} finding(s) (at most {limit} allowed)")
    unlisted = _unlisted_findings(value.get("results"), counted.ids, call)
    if unlisted:
        problems.append(f"{value['results']} mentions {', '.join(unlisted[:5])}, which {cited} does not list: list every finding the exercise reported")
    return "; ".join(dict.fromkeys(problems)) or None


_FINDING_ID = re.compile(r"(?<![\w-])([A-Za-z]{1,12}[-_])(\d{1,6})(?![\w-])")


def _unlisted_findings(report: Any, ids: frozenset[str], call: Call) -> list[str]:
    """Finding ids of the listed ids' form (``RT-7`` beside ``RT-1``…) that the red-team report mentions and
    the findings file leaves out: a finding dropped from the file would leave its severity uncounted."""
    prefixes = {match.group(1).lower() for match in map(_FINDING_ID.fullmatch, ids) if match}
    if not prefixes or not isinstance(report, str):
        return []
    try:
        text = formats.text_of(call.evidence.read(report), report)
    except EvidenceProblem:  # the rule's document check reports an unreadable report
        return []
    found = (match.group(0) for match in _FINDING_ID.finditer(text) if match.group(1).lower() in prefixes)
    return list(dict.fromkeys(token for token in found if token.lower() not in ids))


@function("sbom", reads_evidence=True)
def sbom(value: Any, options: dict, call: Call) -> str | None:
    """The value is the path of an SBOM that parses as CycloneDX JSON (``bomFormat: CycloneDX``, ``components``)
    or SPDX JSON (``spdxVersion``, ``packages``) and lists at least one named component; a component named
    TODO, TBD, placeholder, unknown, n/a or NOASSERTION does not count. When the sibling ``lockfile`` can be
    read and names its packages (pip, uv, poetry, Cargo, npm, Pipfile), the SBOM lists at least one of them:
    an SBOM that shares no package with the lockfile describes another build."""
    content, problem = _read(value, call, call.where)
    if problem:
        return problem
    try:
        _, components = formats.sbom_components(content, value)
    except EvidenceProblem as error:
        return f"{call.where}: {error}"
    return _other_build(value, components, call)


def _other_build(cited: str, components: list[str], call: Call) -> str | None:
    lockfile = call.node.get("lockfile") if isinstance(call.node, dict) else None
    locked = lockfile.get("path") if isinstance(lockfile, dict) else lockfile
    if not isinstance(locked, str):
        return None
    try:
        pinned = lockfiles.pinned_names(formats.text_of(call.evidence.read(locked), locked))
    except EvidenceProblem:  # SEC031 reports a lockfile that cannot be read
        return None
    if not pinned or pinned & {lockfiles.package_name(name) for name in components}:
        return None
    shown = ", ".join(sorted(pinned)[:3]) + (", …" if len(pinned) > 3 else "")
    return f"{call.where}: {cited} lists none of the {len(pinned)} package(s) {locked} pins ({shown}): it describes another build; generate it from the image or environment that ships"


@function("data_file_hashed", reads_evidence=True)
def data_file_hashed(value: Any, options: dict, call: Call) -> str | None:
    """The value is a data entry (``data.training``): when it cites a file in the repository (``path``), its
    ``sha256`` is declared and is the file's SHA-256. Data cited only by ``uri`` is outside the repository and
    its identity is taken as declared."""
    if not isinstance(value, dict) or "path" not in value:
        return None
    return hash_matches(value, {}, call)


def _pointer(value: Any, call: Call) -> tuple[str, str] | None:
    """(path, kind) when the entry's cited file is a DVC or Git LFS pointer."""
    cited = value.get("path") if isinstance(value, dict) else None
    if not isinstance(cited, str):
        return None
    try:
        kind = formats.pointer_kind(call.evidence.read(cited), cited)
    except EvidenceProblem:
        return None
    return (cited, kind) if kind else None


@function("data_in_repository", accepts_missing=True, reads_evidence=True)
def data_in_repository(value: Any, options: dict, call: Call) -> str | None:
    """The value is a data entry whose cited file holds the data itself, not a DVC or Git LFS pointer to data
    kept elsewhere (whose rows readiness cannot count). Used in ``when``: a pointer makes a row-count rule
    not applicable, and the report says why."""
    pointer = None if value is MISSING else _pointer(value, call)
    if pointer is None:
        return None
    cited, kind = pointer
    return f"{call.where}.path {cited!r} is a {kind} pointer: the rows are in remote storage, so the declared size could not be counted"


@function("rows_match", reads_evidence=True)
def rows_match(value: Any, options: dict, call: Call) -> str | None:
    """The value is a data entry whose ``size`` is the number of examples counted in the file at its ``path``
    (CSV rows after the header, JSON array items, JSONL lines)."""
    if not isinstance(value, dict):
        return f"{call.where} is {describe(value)}, expected a data entry with path and size"
    cited, declared = value.get("path"), value.get("size")
    if not isinstance(cited, str):
        return f"{call.where}.path is missing: cite the data file so that its rows are counted"
    if isinstance(declared, bool) or not isinstance(declared, int):
        return f"{call.where}.size is missing: declare the number of examples the file holds"
    content, problem = _read(cited, call, f"{call.where}.path")
    if problem:
        return problem
    pointer = formats.pointer_kind(content, cited)
    if pointer:
        return f"{call.where}.path {cited!r} is a {pointer} pointer, so size {declared} could not be counted"
    try:
        counted = formats.count_rows(content, cited)
    except EvidenceProblem as error:
        return f"{call.where}.path: {error}"
    return None if counted == declared else f"the manifest says {call.where}.size: {declared} but {cited} holds {counted} examples"


@function("test_files", reads_evidence=True)
def test_files(value: Any, options: dict, call: Call) -> str | None:
    """The value is a test file, or a list of them (paths in the repository), each of which defines at
    least one test (``def test_…``, ``test(``/``it(``, ``func Test…``, ``@Test``): a CI job name is not
    a test, and a file of TODO comments is not one either."""
    if isinstance(value, str):
        value, places = [value], [call.where]
    elif isinstance(value, list) and value:
        places = [f"{call.where}[{index}]" for index in range(len(value))]
    else:
        return f"{call.where} is {describe(value)}, expected a test file or a list of them"
    problems = []
    for path, place in zip(value, places):
        content, problem = _read(path, call, place)
        if problem:
            problems.append(problem)
            continue
        try:
            text = formats.text_of(content, path)
        except EvidenceProblem as error:
            problems.append(str(error))
            continue
        if not TEST_DEFINITION.search(text):
            problems.append(f"{path} defines no test")
    return "; ".join(problems) or None


@function("lockfile_pins", reads_evidence=True)
def lockfile_pins(value: Any, options: dict, call: Call) -> str | None:
    """The value is a lockfile entry (a mapping with ``path``, or the path itself) whose file pins at least one
    dependency in a recognised form: requirements ``name==1.2.3`` (pip-compile, with or without ``--hash``),
    ``[[package]]`` with name and version (uv.lock, poetry.lock, Cargo.lock), Pipfile.lock, package-lock.json,
    composer.lock, yarn.lock, pnpm-lock.yaml, go.sum, conda lock or pinned environment files, Gemfile.lock.
    A hash proves the file did not change, not that it is a lockfile: an empty or placeholder file fails."""
    if isinstance(value, dict):
        cited, where = value.get("path"), f"{call.where}.path"
        if not isinstance(cited, str):
            return f"{call.where}.path is missing"
    elif isinstance(value, str):
        cited, where = value, call.where
    else:
        return f"{call.where} is {describe(value)}, expected a mapping with path and sha256"
    content, problem = _read(cited, call, where)
    if problem:
        return problem
    try:
        text = formats.text_of(content, cited)
    except EvidenceProblem as error:
        return f"{where}: {error}"
    if lockfiles.pinned_count(text):
        loose = lockfiles.unpinned(text)
        if loose:
            names = ", ".join(loose[:5]) + (f" and {len(loose) - 5} more" if len(loose) > 5 else "")
            return f"{where}: {cited!r} leaves {len(loose)} dependenc{'y' if len(loose) == 1 else 'ies'} unpinned ({names}): a lockfile pins every one to a version (name==1.2.3)"
        return None
    if not text.strip():
        return f"{where}: {cited!r} is empty, so it locks nothing; {lockfiles.EXPECTED}"
    return f"{where}: {cited!r} pins no dependency; {lockfiles.EXPECTED}"
