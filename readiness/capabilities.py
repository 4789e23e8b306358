"""What a system is, from its facts as well as its declarations, so that declaring less never skips a rule.

A manifest declares its kind (``service.kind``: one kind or a list) and flags that narrow the
checklist (``handles_pii: false``, ``user_facing: false``, ``multi_tenant: false``, a risk tier
below high). The facts can say more: a retrieval index makes it a RAG system whatever the kind
says. Here the rules' applicability is computed from both:

- capabilities are inferred from the facts (:func:`inferred_kinds`) and added to the declared kinds;
- a flag the facts contradict (:func:`contradiction`) counts as not declared, so the rules it would
  turn off apply;
- :func:`profile` is the view of the manifest the engine decides applicability on.

GOV018 and GOV019 (``checks/governance.yaml``) report the mismatches with the functions below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from .files import describe
from .functions import MISSING, Call, _is_empty, function
from .paths import display
from .report import covered_kinds

KINDS = ("ml", "llm", "rag", "agent")
LLM_KINDS = ("llm", "rag", "agent")  # a RAG system or an agent is an LLM system too
# A flag in ``service`` and the values of it that turn rules off (or lower their severity).
NARROWING: dict[str, tuple[Any, ...]] = {
    "handles_pii": (False,),
    "user_facing": (False,),
    "multi_tenant": (False,),
    "risk": ("low", "medium"),
}
# The fields a ``when`` clause may test that are declarations, each with the declaration that turns the
# rule off: a rule on model.provider is off only for a classic ML model (third_party_model), by its kind.
# Facts about the system (a canary, prices) are not here: a rule they turn off is skipped with its reason.
DECLARED_BY: dict[tuple, tuple] = {
    ("model", "provider"): ("service", "kind"),
    **{path: path for path in (("service", "eu_ai_act", "category"), ("service", "serving"), ("service", "markets"),
                               ("release", "first_launch"), ("model", "fallback", "kind"))},
    **{("service", name): ("service", name) for name in ("kind", *NARROWING)},
}
RETRIEVAL_RECORDS = {"retrieved_documents", "retrieved_chunks", "retrieval", "citations"}
TOOL_RECORDS = {"tool_calls", "tool_results"}
USER_TEXT_RECORDS = {"input", "inputs", "user_input", "user_message", "user_messages", "messages", "conversation"}
USER_IDENTITY_RECORDS = {"user_id", "email", "user_email", "customer_id", "account_id", "ip_address"}


def value_at(data: Any, path: tuple) -> Any:
    """The value at ``path`` (keys and list indexes) in ``data``; MISSING when there is none."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(data, list) or step >= len(data):
                return MISSING
            data = data[step]
        elif isinstance(data, dict) and step in data:
            data = data[step]
        else:
            return MISSING
    return data


def _service(root: dict) -> dict:
    service = root.get("service")
    return service if isinstance(service, dict) else {}


def declared_kinds(value: Any) -> tuple[str, ...]:
    """``service.kind`` as a tuple: one kind or a list of them (schema-checked)."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def _records(root: dict) -> set[str]:
    records = value_at(root, ("tracing", "records"))
    return {item for item in records if isinstance(item, str)} if isinstance(records, list) else set()


def _set(value: Any) -> bool:
    return value is not MISSING and not _is_empty(value)


def inferred_kinds(root: dict) -> dict[str, str]:
    """Each kind the facts show, with the first fact that shows it (for a message)."""
    found: dict[str, str] = {}
    records = _records(root)
    evidence = {
        "rag": [
            (_set(value_at(root, ("data", "retrieval"))), "data.retrieval describes a retrieval index"),
            (bool(records & RETRIEVAL_RECORDS), f"tracing.records records {', '.join(sorted(records & RETRIEVAL_RECORDS))}"),
        ],
        "agent": [
            (_set(value_at(root, ("security", "tools"))), "security.tools lists tools the model calls"),
            (_set(value_at(root, ("security", "agent"))), "security.agent sets the limits of an agent loop"),
            (bool(records & TOOL_RECORDS), f"tracing.records records {', '.join(sorted(records & TOOL_RECORDS))}"),
        ],
        "llm": [
            (_set(value_at(root, ("prompts",))), "prompts lists prompt templates"),
            (_set(value_at(root, ("cost", "tokens"))), "cost.tokens counts tokens per request"),
            (_set(value_at(root, ("facts", "gateways"))), "a cited LiteLLM file routes requests to LLMs"),
        ],
        "ml": [
            (_set(value_at(root, ("data", "training"))), "data.training names the data the model was trained on"),
            (_set(value_at(root, ("model", "training"))), "model.training records how the model was trained"),
        ],
    }
    for kind in KINDS:
        fact = next((text for shown, text in evidence[kind] if shown), None)
        if fact:
            found[kind] = fact
    return found


def missing_kinds(declared: tuple[str, ...], inferred: dict[str, str]) -> dict[str, str]:
    """The inferred kinds a declaration leaves out, with the fact that shows each."""
    covered = covered_kinds(declared)
    return {kind: fact for kind, fact in inferred.items() if kind not in covered}


def narrows(flag: str, value: Any) -> bool:
    """Whether ``service.<flag>: value`` is a value that turns rules off."""
    return any(value == narrowing and type(value) is type(narrowing) for narrowing in NARROWING.get(flag, ()))


def known_kinds(root: dict) -> set[str]:
    """The kinds declared or shown by the facts (an undeclared kind is not taken to be any)."""
    return set(declared_kinds(_service(root).get("kind"))) | set(inferred_kinds(root))


def _llm_system(root: dict) -> bool:
    return bool(known_kinds(root) & set(LLM_KINDS))


def contradiction(flag: str, root: dict) -> str | None:
    """The fact that contradicts a narrowing value of ``service.<flag>``, or None."""
    if not narrows(flag, _service(root).get(flag, MISSING)):
        return None
    records = _records(root)
    if flag == "handles_pii":
        identities = records & USER_IDENTITY_RECORDS
        if identities:
            return f"tracing.records records {', '.join(sorted(identities))}"
        user_text = records & USER_TEXT_RECORDS
        if user_text and _llm_system(root):
            return f"tracing.records records {', '.join(sorted(user_text))}: the text users send an LLM"
        if value_at(root, ("tracing", "pii_redaction", "enabled")) is True:
            return "tracing.pii_redaction is enabled: there is personal data to redact"
    elif flag == "user_facing":
        if value_at(root, ("security", "authentication")) == "none":
            return "security.authentication is none: anyone who reaches the endpoint can use it"
        tools = value_at(root, ("security", "tools"))
        for index, tool in enumerate(tools if isinstance(tools, list) else []):
            if isinstance(tool, dict) and tool.get("side_effects") is True and tool.get("user_auth_context") is True:
                return f"security.tools[{index}] ({tool.get('name', 'unnamed')}) acts with side effects on a user's behalf"
    elif flag == "multi_tenant":
        if value_at(root, ("data", "retrieval", "acl")) == "per-tenant":
            return "data.retrieval.acl is per-tenant"
    elif flag == "risk":
        category = value_at(root, ("service", "eu_ai_act", "category"))
        if category in ("high", "prohibited"):
            return f"service.eu_ai_act.category is {category}: the EU AI Act puts it in the highest tier"
    return None


def rationale(root: dict, declaration: tuple) -> str | None:
    """The team's reason for a declaration: ``service.rationale.<name>`` for a field of ``service``,
    ``service.eu_ai_act.rationale`` for the EU AI Act category, the declaration's own ``rationale``
    elsewhere (``release.first_launch.rationale``)."""
    if declaration == ("service", "eu_ai_act", "category"):
        text = value_at(root, ("service", "eu_ai_act", "rationale"))
    elif declaration[0] == "service":
        text = value_at(root, ("service", "rationale", declaration[-1]))
    else:
        text = value_at(root, (*declaration, "rationale"))
    if isinstance(text, str) and text.strip():
        return text.strip()
    return None


def effective_kinds(root: dict) -> tuple[str, ...] | None:
    """The kinds whose rules apply: declared ∪ inferred; None when no kind is declared (every rule applies)."""
    if not declared_kinds(_service(root).get("kind")):
        return None
    known = known_kinds(root)
    return tuple(kind for kind in KINDS if kind in known)


@dataclass(frozen=True)
class Profile:
    """The manifest as applicability sees it: contradicted flags left out, kinds widened by the facts."""

    view: dict
    kinds: tuple[str, ...] | None
    risk: str | None


def profile(root: dict) -> Profile:
    service = _service(root)
    contradicted = [flag for flag in NARROWING if contradiction(flag, root)]
    view = {**root, "service": {key: value for key, value in service.items() if key not in contradicted}} if contradicted else root
    risk = _service(view).get("risk")
    return Profile(view, effective_kinds(root), risk if isinstance(risk, str) else None)


@function("kind_matches_facts")
def kind_matches_facts(value: Any, options: dict, call: Call) -> str | None:
    """The value (``service.kind``, one kind or a list) names every kind the facts show: a retrieval index ⇒
    rag, tools ⇒ agent, prompts or token counts ⇒ llm, training data ⇒ ml (rag and agent cover llm)."""
    declared = declared_kinds(value)
    missing = missing_kinds(declared, inferred_kinds(call.root))
    if not missing:
        return None
    return "; ".join(f"{call.where} declares {', '.join(declared)} but {fact}: add {kind}" for kind, fact in missing.items())


@function("declaration_holds")
def declaration_holds(value: Any, options: dict, call: Call) -> str | None:
    """The value, when it turns rules off (false; a risk tier below high), has its reason in
    ``service.rationale.<flag>`` and no fact contradicts it.

    For the flags of ``service``: handles_pii, user_facing, multi_tenant and risk. The contradictions
    (traces of user ids against ``handles_pii: false``, say) are listed in docs/capabilities.md."""
    flag = str(call.value_path[-1]) if call.value_path else ""
    if not narrows(flag, value):
        return None
    shown = describe(value)
    fact = contradiction(flag, call.root)
    if fact:
        return f"{call.where} is {shown} but {fact}; the rules it would turn off apply"
    if rationale(call.root, ("service", flag)) is None:
        return f"{call.where} is {shown}, which turns rules off, but {display(('service', 'rationale', flag))} does not say why"
    return None


SELF_HOSTED = frozenset({"self-hosted", "selfhosted", "in-house", "inhouse", "on-prem", "on-premises", "internal", "local"})


@function("third_party_model", accepts_missing=True)
def third_party_model(value: Any, options: dict, call: Call) -> str | None:
    """The value (``model.provider``) names a provider other than the team itself (not ``self-hosted``,
    ``in-house``, ``on-prem``…), or is left out by a system not shown to be a classic ML model only: an LLM
    system that leaves its provider out is not taken to have none.

    For the ``when`` clauses of rules about a hosted model."""
    if isinstance(value, str) and value.strip().lower().replace("_", "-").replace(" ", "-") in SELF_HOSTED:
        return f"{call.where} is {value!r}: the team serves the model itself, so no provider holds its data or its uptime"
    if _set(value):
        return None
    kinds = known_kinds(call.root)
    if kinds and not kinds & set(LLM_KINDS):
        return f"{call.where} is not declared and this is a classic ML model ({', '.join(sorted(kinds))}), served from its own artifact"
    return None


# The first word of a tool's name, or a word of its scope, that says the tool changes something.
ACTION_WORDS = frozenset({
    "issue", "send", "create", "delete", "remove", "update", "modify", "edit", "write", "cancel", "refund", "pay", "charge",
    "transfer", "post", "publish", "book", "approve", "submit", "execute", "exec", "run", "set", "put", "patch", "grant",
    "revoke", "reset", "deploy", "email", "notify", "order", "purchase", "buy", "sell", "move", "rename", "upload", "insert",
    "drop", "merge", "commit", "push", "admin", "manage", "close", "escalate", "assign", "schedule", "trigger", "invoke",
})


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text).lower())


# Words that make a name or a permission read-only: refund_status, update_history, tickets:read.
READ_WORDS = frozenset({"read", "readonly", "get", "list", "view", "search", "lookup", "check", "preview", "status", "history",
                        "report", "log", "logs", "info", "details", "summary", "count", "audit"})


def tool_action(tool: dict) -> str | None:
    """What in a tool's name or scope says it changes something (``issue`` in issue_refund, ``refund``
    in the scope payments:refund), or None. A name is read by its first word, unless another word makes it
    a noun for something read (``refund_status``); a scope by its permission, the part after the last ``:``
    of its first token (``reset-history:read`` reads), and its resource and any prose after it do not count."""
    name, scope = tool.get("name"), tool.get("scope")
    words = _words(name) if isinstance(name, str) else []
    if words and words[0] in ACTION_WORDS and not READ_WORDS.intersection(words):
        return f"its name starts with {words[0]!r}"
    tokens = scope.split() if isinstance(scope, str) else []
    permission = _words(tokens[0].rsplit(":", 1)[-1]) if tokens else []
    acting = [word for word in permission if word in ACTION_WORDS]
    return f"its scope {scope!r} says {acting[0]!r}" if acting and not READ_WORDS.intersection(permission) else None


@function("side_effects_declared", accepts_missing=True)
def side_effects_declared(value: Any, options: dict, call: Call) -> str | None:
    """The value (a tool's ``side_effects``) is declared, and is not ``false`` for a tool whose name or
    scope says it acts (``issue_refund``, ``payments:refund``): a tool left undeclared is not taken to be
    read-only, and one declared read-only against its own name is not either."""
    tool = call.node if isinstance(call.node, dict) else {}
    label = f" ({tool['name']})" if isinstance(tool.get("name"), str) else ""
    if value is MISSING:
        return f"{call.where} is missing: say whether the tool{label} changes anything (true) or only reads (false); an undeclared tool is not taken to be read-only"
    if value is False and (action := tool_action(tool)):
        return f"{call.where} is false, but the tool{label} reads as one that acts: {action}; declare side_effects: true (or rename a tool that only reads)"
    return None
