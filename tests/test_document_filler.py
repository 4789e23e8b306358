"""Filler that used to pass as a prose document: HTML comments, TODO-only code fences, ``${SERVICE}`` and
``<owner>`` slots, TBD/TODO notes in the prose, and one sentence repeated to reach the word minimum. Each
case has a failing example and a realistic look-alike that must pass (readiness/evidence_formats.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from readiness.evidence_formats import _document_problem, document_problem

RUNBOOK = (  # 31 words of real text: passes alone at the runbook minimum of 25
    "# Latency runbook\n\n"
    "Check the p95 latency dashboard for the slice that regressed, compare it with the last deploy and roll back "
    "the prompt or the model version if the change lines up with the start of the regression.\n"
)
COMMENT = (
    "<!-- Describe what the on-call engineer does when latency rises: the dashboards to open, the commands to run,\n"
    "who to page and when to roll back. Keep it short and concrete; the night shift reads it half awake. -->\n"
)
SENTENCE = "Check the dashboard and page the owner if latency stays high for more than ten minutes.\n"  # 16 words

CASES = [
    # 1. HTML comments are not text
    ("comment plus TBD", "# Runbook\n\n" + COMMENT + "\nTBD\n", "'rb.md' holds only headings and TODO/TBD lines (line 6), no text"),
    ("only a comment", COMMENT, "'rb.md' holds only HTML comments (<!-- -->), no text"),
    ("comment words do not count", "# Runbook\n\n" + COMMENT + "\nPage the owner.\n", "'rb.md' has 3 word(s) of text"),
    ("comment beside real text", "# Latency runbook\n" + COMMENT + RUNBOOK.split("\n", 2)[2], None),
    ("comment keeps line numbers", "# Runbook\n" + COMMENT + "\n" + RUNBOOK + "Owner: {{ owner }}\n", "rb.md:8: an unfilled template slot '{{ owner }}'"),
    # 2. a code fence of TODO lines is not content
    ("fence of TODO lines", "# Rollback\n\n```bash\n# TODO\n// TBD: add the commands\nTODO: write the rollback steps here\n```\n",
     "'rb.md' holds only headings and TODO/TBD lines (lines 4, 5, 6), no text"),
    ("section with a TODO fence", RUNBOOK + "\n## Commands\n\n```\n# TODO: add commands and config\n```\n",
     "'rb.md' has section(s) holding only TODO/TBD: 'Commands' (line 5)"),
    ("fence of commands counts", "# Rollback\n\nRoll back the release and watch the rollout until every pod is ready:\n\n```bash\nkubectl rollout undo deployment/<deployment> -n ${NAMESPACE}\n"
     "kubectl rollout status deployment/<deployment> -n ${NAMESPACE} --timeout 120s\n# TODO: automate this step\n```\n", None),
    # 3. ${SERVICE} and <owner> slots in prose
    ("dollar slot", RUNBOOK + "Page the ${SERVICE} owner.\n", "rb.md:4: an unfilled template slot '${SERVICE}'"),
    ("angle slot", RUNBOOK + "Owner: <owner>\n", "rb.md:4: an unfilled template slot '<owner>'"),
    ("angle slot with a space", RUNBOOK + "Escalate to the <service name> on-call.\n", "rb.md:4: an unfilled template slot '<service name>'"),
    ("angle slot in capitals", RUNBOOK + "| Team | <YOUR-TEAM> |\n", "rb.md:4: an unfilled template slot '<YOUR-TEAM>'"),
    ("html, links and comparisons", RUNBOOK + "<details open>\n<summary>Older incidents</summary>\n"
     "Line one<br>line two<br/> and a note<sup>1</sup> <img src=\"graph.png\"> <a href=\"https://wiki.acme.io\">wiki</a></div>\n"
     "See <https://wiki.acme.io/runbooks> or mail <ops@acme.io>. Alert when p95 < 2s and > 1s, or errors <5%.\n"
     "Run `kubectl logs <pod>` and `echo ${VAR}`; a<b and c>d.\n</details>\n", None),
    ("slots inside code", RUNBOOK + "```\nhelm rollback <release> <REVISION>\nexport SERVICE=${SERVICE}\n```\n", None),
    # 4. TBD/TODO/FIXME/XXX notes in prose
    ("TBD in a sentence", RUNBOOK + "The escalation plan is TBD.\n", "rb.md:4: 'TBD' marks unfinished text; finish the text or move the note to your tracker"),
    ("TODO note line", RUNBOOK + "TODO: fill in the escalation contacts\n", "rb.md:4: 'TODO' marks unfinished text"),
    ("FIXME at the end", RUNBOOK + "The paging threshold is FIXME\n", "rb.md:4: 'FIXME' marks unfinished text"),
    ("XXX in a table", RUNBOOK + "| Owner | XXX |\n", "rb.md:4: 'XXX' marks unfinished text"),
    ("TBD in a heading", RUNBOOK + "\n## Escalation TBD\n\nPage the owner.\n", "rb.md:5: 'TBD' marks unfinished text"),
    ("lowercase todo and a TODO noun", RUNBOOK + "TODO items are tracked in JIRA. Keep a todo list of what is left to do; "
     "`TODO` in code and TODOs in reviews are fine. Cards are masked as XXX-XX-1234.\n", None),
    # 5. repetition does not reach the minimum
    ("a sentence on 8 lines", "# Runbook\n\n" + SENTENCE * 8,
     "'rb.md' has 16 word(s) of text (715 bytes), below the minimum of 25 words; repeated lines count once (128 words in all)"),
    ("a sentence 8 times on one line", "# Runbook\n\n" + SENTENCE.replace("\n", " ") * 8 + "\n", "'rb.md' has 16 word(s) of text"),
    ("a sentence 8 times without spaces", "# Runbook\n\n" + SENTENCE.strip("\n") * 8 + "\n", "'rb.md' has 16 word(s) of text"),
    ("a list with repeated steps", "# Rollback\n\n" + "".join(f"{n}. Roll back region {region} and watch its error rate for ten minutes.\n"
     for n, region in enumerate(("eu-west-1", "us-east-1", "ap-south-1"), start=1)), None),
]


@pytest.mark.parametrize(("text", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_filler_fails_and_its_look_alike_passes(text: str, expected: str | None) -> None:
    problem = _document_problem(text.encode(), "rb.md", 25)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_the_sample_documents_are_still_documents() -> None:
    samples = Path(__file__).parent.parent / "sample_configs"
    documents = sorted([*samples.glob("*/docs/*.md"), *samples.glob("*/runbooks/*.md")])
    assert len(documents) > 20
    for path in documents:
        assert document_problem(path.read_bytes(), str(path), 30) is None, path
