"""Reading the reports a manifest cites, so that readiness counts for itself what they say.

Judge calibration labels, red-team findings, data files, SBOMs and prose documents: each parser
takes the bytes :meth:`Evidence.read` returned and gives what the checks compare with the
manifest, or raises :class:`EvidenceProblem` naming the file, the line where known and what was
expected. The formats, with an example each, are in ``docs/evidence-formats.md``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from .errors import InputError
from .evidence import EvidenceProblem
from .files import decode, excerpt, load_json
from .placeholders import is_placeholder

Record = tuple[str, dict[str, Any]]  # (where in the file, e.g. "f.csv:12" or "f.json: item 3", the record)

_JSON_LINES = (".jsonl", ".ndjson")
_LFS_POINTER = "version https://git-lfs.github.com/spec/"


def text_of(content: bytes, cited: str) -> str:
    """The file as text: UTF-8 (a BOM is allowed), else a problem naming the line."""
    try:
        return decode(content, cited)
    except InputError as error:
        raise EvidenceProblem(f"{cited}:{error.line}: {error.message}") from None


def _json(text: str, cited: str, line_offset: int = 0) -> Any:
    try:
        return load_json(text)
    except json.JSONDecodeError as error:
        line = line_offset + (error.lineno if error.pos else 1)
        raise EvidenceProblem(f"{cited}:{line}: not valid JSON: {error.msg}") from None


def _json_lines(text: str, cited: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, _json(line, cited, number - 1)


def _csv_rows(text: str, cited: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        if not header or not any(header):
            raise EvidenceProblem(f"{cited}:1: expected a header row naming the columns")
        for row in reader:
            if not "".join(row).strip():  # a blank row
                continue
            if len(row) != len(header):
                raise EvidenceProblem(f"{cited}:{reader.line_num}: {len(row)} field(s) where the header has {len(header)}")
            yield reader.line_num, dict(zip(header, row))
    except csv.Error as error:
        raise EvidenceProblem(f"{cited}:{reader.line_num}: not valid CSV: {error}") from None


def pointer_kind(content: bytes, cited: str) -> str | None:
    """``"DVC"`` or ``"Git LFS"`` when the file is a pointer to data kept elsewhere, else None."""
    head = content[:200].decode("utf-8", "replace")
    if cited.endswith(".dvc") or head.startswith("outs:"):
        return "DVC"
    if head.startswith(_LFS_POINTER):
        return "Git LFS"
    return None


def records(content: bytes, cited: str, list_key: str | None = None) -> tuple[list[Record], dict[str, Any]]:
    """The records of a CSV (with a header row), JSON (an array, or an object whose ``list_key`` is an
    array) or JSONL file, each a mapping, and the other fields of a JSON object (else empty)."""
    text = text_of(content, cited)
    lowered, stripped = cited.lower(), text.lstrip()
    if lowered.endswith(".csv") or (not lowered.endswith((".json", *_JSON_LINES)) and not stripped.startswith(("[", "{"))):
        found: list[Record] = [(f"{cited}:{line}", row) for line, row in _csv_rows(text, cited)]
        return found, {}
    if lowered.endswith(_JSON_LINES) or (not lowered.endswith(".json") and stripped.startswith("{") and "\n{" in stripped):
        found = []
        for line, item in _json_lines(text, cited):
            if not isinstance(item, dict):
                raise EvidenceProblem(f"{cited}:{line}: expected a JSON object on each line")
            found.append((f"{cited}:{line}", item))
        return found, {}
    document = _json(text, cited)
    extra: dict[str, Any] = {}
    if isinstance(document, dict) and list_key is not None and isinstance(document.get(list_key), list):
        extra = {key: value for key, value in document.items() if key != list_key}
        document = document[list_key]
    if not isinstance(document, list):
        shape = f"an array, or an object with a {list_key!r} array" if list_key else "an array of records"
        raise EvidenceProblem(f"{cited}: expected {shape}")
    for index, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            raise EvidenceProblem(f"{cited}: item {index} is not an object")
    return [(f"{cited}: item {index}", item) for index, item in enumerate(document, start=1)], extra


def count_rows(content: bytes, cited: str) -> int:
    """The examples in a data file: CSV rows after the header, JSON array items, JSONL lines (each a JSON object)."""
    if not cited.lower().endswith((".csv", ".json", *_JSON_LINES)):
        raise EvidenceProblem(f"{cited}: rows are counted in .csv, .json (an array) and .jsonl files only")
    return len(records(content, cited)[0])


def _either(record: dict[str, Any], name: str, other: str) -> Any:
    """``record[name]`` when the record has that field, else its ``other`` field (None when neither)."""
    return record[name] if name in record else record.get(other)


def _label(value: Any) -> str | None:
    """A categorical label as comparable text; None when absent or not a label."""
    if isinstance(value, str):
        return value.strip().lower() or None
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if isinstance(value, int) else None


@dataclass(frozen=True)
class Agreement:
    items: int
    agreement: float
    kappa: float


def judge_agreement(content: bytes, cited: str) -> Agreement:
    """Raw agreement and Cohen's kappa between the human and the judge labels of a labels file
    (per item ``id``, ``human`` or ``human_label``, ``judge`` or ``judge_label``)."""
    found, _ = records(content, cited, "items")
    if not found:
        raise EvidenceProblem(f"{cited}: lists no labelled items")
    seen: set[str] = set()
    human_labels: list[str] = []
    judge_labels: list[str] = []
    for where, record in found:
        item_id, human, judge = _label(record.get("id")), _label(_either(record, "human", "human_label")), _label(_either(record, "judge", "judge_label"))
        if item_id is None or human is None or judge is None:
            missing = [name for name, value in (("id", item_id), ("human label", human), ("judge label", judge)) if value is None]
            raise EvidenceProblem(f"{where}: expected id, human and judge labels; {', '.join(missing)} missing or not a label")
        if item_id in seen:
            raise EvidenceProblem(f"{where}: item {item_id!r} is labelled twice")
        seen.add(item_id)
        human_labels.append(human)
        judge_labels.append(judge)
    count = len(seen)
    observed = sum(map(str.__eq__, human_labels, judge_labels)) / count
    humans, judges = Counter(human_labels), Counter(judge_labels)
    expected = sum(humans[label] * judges[label] for label in humans) / (count * count)  # chance agreement, from each side's label frequencies
    if expected >= 1:
        raise EvidenceProblem(f"{cited}: every item carries the same label {next(iter(humans))!r}, so agreement beyond chance (kappa) is undefined")
    return Agreement(count, observed, (observed - expected) / (1 - expected))


SEVERITIES = ("critical", "high", "medium", "low", "info")
# Statuses as _status spells them (Jira's defaults too: To Do, In Progress, In Review, Done, Won't Do). A risk
# accepted or a won't fix/do is open: the weakness is still there; only a fix, a mitigation or a non-finding closes one.
OPEN_STATUSES = frozenset({
    "open", "new", "triaged", "in_progress", "reopened", "accepted", "risk_accepted", "wont_fix", "wont_do",
    "to_do", "todo", "backlog", "selected_for_development", "in_review",
})
CLOSED_STATUSES = frozenset({"fixed", "resolved", "closed", "done", "mitigated", "verified", "false_positive", "duplicate"})
_STATUS_APOSTROPHES = re.compile(r"['\u2018\u2019`\u00b4]")
_STATUS_SEPARATORS = re.compile(r"[\s_\-]+")


def _status(value: Any) -> str | None:
    """A finding's status as OPEN_STATUSES spells it: letter case, apostrophes and runs of spaces, hyphens or
    underscores do not matter ("Won't Do", "wont-do" and "WONT_DO" are wont_do; "In Progress" is in_progress)."""
    label = _label(value)
    if label is None:
        return None
    return _STATUS_SEPARATORS.sub("_", _STATUS_APOSTROPHES.sub("", label)).strip("_") or None


@dataclass(frozen=True)
class RedTeam:
    findings: int
    attempts: int | None
    open_by_severity: dict[str, int]
    ids: frozenset[str] = frozenset()  # the findings' ids, lower-cased (a findings file's; a tool's output has none)


def red_team_findings(content: bytes, cited: str) -> RedTeam:
    """Open findings by severity in a red-team findings file (per finding ``id``, ``severity``, ``status``), or in the
    output of the red-team tool itself (a garak report, promptfoo red-team results: readiness/sources/tool_outputs.py)."""
    from .sources import tool_outputs  # the tools' formats are read where the other tool outputs are

    tool = tool_outputs.red_team(text_of(content, cited), cited)
    if tool is not None:
        return tool
    found, extra = records(content, cited, "findings")
    attempts = extra.get("attempts")
    if isinstance(attempts, bool) or not isinstance(attempts, int):
        attempts = None
    if not found and not attempts:
        raise EvidenceProblem(f"{cited}: lists no findings; record every finding, fixed ones too, and an exercise that found nothing as {{\"attempts\": N, \"findings\": []}}")
    elsewhere = next((key for key, value in extra.items() if isinstance(value, list) and any(isinstance(item, dict) and "severity" in item for item in value)), None)
    if elsewhere is not None:  # an empty "findings" beside the real ones would pass as a clean exercise
        raise EvidenceProblem(f"{cited}: findings with a severity are listed under {elsewhere!r}; list every finding under 'findings'")
    open_by_severity = dict.fromkeys(SEVERITIES, 0)
    seen: set[str] = set()
    for where, record in found:
        finding_id, severity, status = _label(record.get("id")), _label(record.get("severity")), _status(record.get("status"))
        if finding_id is None:
            raise EvidenceProblem(f"{where}: the finding has no id")
        if finding_id in seen:
            raise EvidenceProblem(f"{where}: finding {excerpt(str(record.get('id')))} is listed twice")
        seen.add(finding_id)
        severity = "info" if severity in ("informational", "none") else severity
        if severity not in SEVERITIES:
            raise EvidenceProblem(f"{where}: severity {excerpt(str(record.get('severity')))}, expected one of {', '.join(SEVERITIES)}")
        if status in OPEN_STATUSES:
            open_by_severity[severity] += 1
        elif status not in CLOSED_STATUSES:
            raise EvidenceProblem(f"{where}: status {excerpt(str(record.get('status')))}, expected open ({', '.join(sorted(OPEN_STATUSES))}) or closed ({', '.join(sorted(CLOSED_STATUSES))}); case, spaces, hyphens and apostrophes do not matter")
    return RedTeam(len(found), attempts, open_by_severity, frozenset(seen))


def sbom_components(content: bytes, cited: str) -> tuple[str, list[str]]:
    """The SBOM's format and the names of the real components (CycloneDX ``components``, SPDX ``packages``)
    it lists; placeholders (TODO, NOASSERTION) are not components."""
    document = _json(text_of(content, cited), cited)
    expected = "expected CycloneDX JSON (bomFormat: CycloneDX, components) or SPDX JSON (spdxVersion, packages)"
    if not isinstance(document, dict):
        raise EvidenceProblem(f"{cited}: {expected}")
    if document.get("bomFormat") == "CycloneDX":
        form, key = "CycloneDX", "components"
    elif isinstance(document.get("spdxVersion"), str) and document["spdxVersion"].startswith("SPDX-"):
        form, key = "SPDX", "packages"
    else:
        raise EvidenceProblem(f"{cited}: {expected}")
    listed = document.get(key)
    if not isinstance(listed, list) or not listed:
        raise EvidenceProblem(f"{cited}: the {form} SBOM lists no {key}")
    real = []
    for index, item in enumerate(listed, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise EvidenceProblem(f"{cited}: {key} item {index} has no name")
        if not _placeholder_name(item["name"]):
            real.append(item["name"].strip())
    if not real:
        names = ", ".join(dict.fromkeys(repr(item["name"].strip()) for item in listed[:5]))
        raise EvidenceProblem(f"{cited}: the {form} SBOM lists no real component: its {key} are named only {names} (placeholder or NOASSERTION names do not count); list the model and libraries that ship, each by name")
    return form, real


_NAME_SLOT = re.compile(r"^(<[^>]*>|\[[^\]]*\]|\{\{[^}]*\}\})$")


def _placeholder_name(name: str) -> bool:
    """Whether a component's name names no component: a placeholder (TODO, n/a, an SBOM tool's NOASSERTION)
    or a template slot (``<name>``, ``{{name}}``)."""
    text = name.strip()
    return _NAME_SLOT.match(text) is not None or is_placeholder(text, frozenset({"noassertion"}))


_HEADING = re.compile(r"^\s{0,3}(#{1,6}\s|#{1,6}$)|^\s*(=+|-+)\s*$")
_DECORATION = re.compile(r"^[\s>*+\-|:=#_`~.]*(\d+[.)]\s*)?")
_PLACEHOLDER = re.compile(r"^(todo|tbd|tbc|fixme|xxx|to do|to be (written|done|completed|added|defined|determined)|coming soon)\b[\s.:!\-—]*", re.IGNORECASE)
# Elements written in Markdown by hand: ``<details open>``, ``<br>``, ``<sup>`` are markup, ``<owner>`` is a slot.
_HTML_TAGS = (
    "a|abbr|article|aside|audio|b|bdi|bdo|blockquote|body|br|caption|center|cite|code|col|colgroup|dd|del|details|dfn|div|dl|dt|em|"
    "figcaption|figure|font|footer|h[1-6]|head|header|hr|html|i|iframe|img|ins|kbd|li|main|mark|nav|ol|p|picture|pre|q|rp|rt|ruby|s|"
    "samp|script|section|small|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|tfoot|th|thead|tr|tt|u|ul|var|video|wbr"
)
_MARKERS = ("TBD", "TODO", "FIXME", "XXX")  # uppercase only: "a todo list" is prose
_NOTE_END = r"(?=\s*(?:[:(\[|—–]|-\s|[.!?,;]?\s*$|[.!?,;]\s))"  # "TODO: …", "is TODO.", "TODO (Ana)"; not "TODO items"
# One search per line of prose finds a slot (returned at once) or a marker (reported if nothing worse is found). Every
# branch starts with a literal, so the regex engine skips to those characters: keep it that way (benchmarks/).
_TEMPLATE_SLOT = re.compile(
    r"\{\{\s*[\w .-]+\s*\}\}"  # {{ owner }}
    r"|\$\{\s*[\w.-]+\s*\}"  # ${SERVICE}
    r"|\[(?i:insert|add|describe|your|fill in)\b[^\]]*\]|<(?i:insert|add|describe|your|fill in)\b[^>]*>"  # [insert …], <describe …>
    rf"|<(?<![\w<]<)(?!(?i:{_HTML_TAGS})[\s>])[a-zA-Z][\w .'-]{{0,60}}(?<!\s)>(?![\w=>])"  # <owner>, <service name>; not a<b>c, <br/>, <a href=…>, <x@y>
    r"|TBD(?<![\w/-]TBD)(?![\w/-])"  # TBD anywhere but in a name (TBD-12, /TBD)
    rf"|TODO(?<![\w/-]TODO){_NOTE_END}|FIXME(?<![\w/-]FIXME){_NOTE_END}|XXX(?<![\w/-]XXX){_NOTE_END}"
)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_CODE_COMMENT_LEAD = " \t#/*;%-"  # a code line "# TODO" or "// TBD" is a placeholder line
_LOREM = re.compile(r"\blorem ipsum\b", re.IGNORECASE)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_INLINE_CODE = re.compile(r"`[^`]*`")
_BINARY = {b"%PDF-": "a PDF", b"PK\x03\x04": "a zip archive (a Word or OpenDocument file?)", b"\xd0\xcf\x11\xe0": "a legacy Office file"}
_WORD = re.compile(r"[^\W_]+")


def document_problem(content: bytes, cited: str, min_words: int) -> str | None:
    """Why a prose document (runbook, model card, plan, review) is not one, or None: empty, only HTML
    comments, filler (lorem ipsum), unfilled template slots in prose (``{{owner}}``, ``${SERVICE}``,
    ``<service name>``, ``[insert …]``; not HTML tags, links or comparisons), only headings, sections
    holding only TODO/TBD, a TBD/TODO/FIXME/XXX note left in the prose, or fewer than ``min_words``
    words of text. Words are counted outside headings, HTML comments and placeholder lines (in code
    fences too), and each distinct line (or a line's repeated sentence) once, so repeating a
    paragraph does not reach the minimum. Code fences are content: their ``<pod>``, ``${VAR}`` and
    TODOs inside commands are not slots or notes."""
    if len(content) <= _CACHED_DOCUMENT_BYTES:
        return _cached_document_problem(content, cited, min_words)
    return _document_problem(content, cited, min_words)


_CACHED_DOCUMENT_BYTES = 64 * 1024  # at most 512 such documents kept: a few MiB whatever the input


@lru_cache(maxsize=512)  # one runbook is cited by several alerts and rules, and a fleet repeats its documents
def _cached_document_problem(content: bytes, cited: str, min_words: int) -> str | None:
    return _document_problem(content, cited, min_words)


def _document_problem(content: bytes, cited: str, min_words: int) -> str | None:
    for magic, kind in _BINARY.items():
        if content.startswith(magic):
            return f"{cited!r} is {kind}, not text: readiness reads documents as UTF-8 text (Markdown, plain text); cite the text version"
    text = text_of(content, cited)
    if not text.strip():
        return f"{cited!r} is empty ({len(content)} bytes)"
    if "<!--" in text:  # comments are not text: blanked, keeping the line numbers
        text = _COMMENT.sub(lambda comment: "\n" * comment.group(0).count("\n"), text)
        if not text.strip():
            return f"{cited!r} holds only HTML comments (<!-- -->), no text"
    if match := _LOREM.search(text):
        return f"{cited}:{text.count(chr(10), 0, match.start()) + 1}: lorem ipsum filler"
    headings, words, placeholders = 0, 0, []
    unfilled: list[str] = []  # sections whose only text is placeholders
    section, section_words, section_placeholders = None, 0, 0
    marker: tuple[int, str] | None = None  # the first TBD/TODO note in the prose
    seen: set[str] = set()  # the distinct lines: a repeated line's words count once
    written = 0  # every word, repeats included: only to explain a short count
    in_code = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:  # commands and config are content; their {{ }}, ${ } and <...> are not template slots
            if _PLACEHOLDER.match(line.lstrip(_CODE_COMMENT_LEAD)):
                placeholders.append(number)
                section_placeholders += 1
                continue
            count = len(_WORD.findall(line))
            words, section_words, written = words + _distinct_words(line, count, seen), section_words + count, written + count
            continue
        for found in _TEMPLATE_SLOT.finditer(_INLINE_CODE.sub("", line)):
            if found.group(0) not in _MARKERS:
                return f"{cited}:{number}: an unfilled template slot {found.group(0)!r}"
            marker = marker or (number, found.group(0))
        if _HEADING.match(line):
            if section and section_placeholders and not section_words:
                unfilled.append(section)
            headings += 1
            section, section_words, section_placeholders = f"{line.strip(' #')!r} (line {number})" if line.strip(" #=-") else section, 0, 0
            continue
        body = _DECORATION.sub("", line, count=1)
        if _PLACEHOLDER.match(body):
            placeholders.append(number)
            section_placeholders += 1
            continue
        count = len(_WORD.findall(body))
        words += _distinct_words(body, count, seen)
        section_words, written = section_words + count, written + count
    if section and section_placeholders and not section_words:
        unfilled.append(section)
    if not words and placeholders:
        lines = f"line {placeholders[0]}" if len(placeholders) == 1 else f"lines {', '.join(map(str, placeholders[:5]))}"
        return f"{cited!r} holds only headings and TODO/TBD lines ({lines}), no text"
    if not words:
        return f"{cited!r} is the template's headings with nothing under them ({headings} heading(s), no text)"
    if unfilled:
        return f"{cited!r} has section(s) holding only TODO/TBD: {', '.join(unfilled[:3])}"
    if marker:
        return f"{cited}:{marker[0]}: {marker[1]!r} marks unfinished text; finish the text or move the note to your tracker"
    if words < min_words:
        repeated = f"; repeated lines count once ({written} words in all)" if written > words else ""
        return f"{cited!r} has {words} word(s) of text ({len(content)} bytes), below the minimum of {min_words} words{repeated}"
    return None


def _distinct_words(body: str, count: int, seen: set[str]) -> int:
    """The words of a line (``count``) that the document gains: none if the same line came before, and one
    sentence's worth if the line is one sentence repeated ("Page the owner. Page the owner. …")."""
    if not count:
        return 0
    key = " ".join(body.split())
    if key in seen:
        return 0
    seen.add(key)
    if key.find(key[:12], 1) < 0:  # most lines: their start does not come back
        return count
    for unit in (key + " ", key):  # "Page the owner. Page the owner. " and "Page the owner.Page the owner."
        period = (unit + unit).find(unit, 1)  # the line's shortest period: its length unless it repeats
        if period < len(unit):
            return count * period // len(unit)
    return count
