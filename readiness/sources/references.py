"""Is an artifact reference pinned? Digest, version, moving alias, or a bare path.

One judgement for every format: a container image or OCI model (``repo:tag@sha256:…``), a
BentoML model tag (``name:version``), an MLflow URI (``models:/name/3``, ``models:/name@champion``,
``models:/name/Production``, ``runs:/ID/model``) or an object-store path (``s3://…/1.3/model``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..pinning import FLOATING as _FLOATING  # the one list of moving aliases (latest, stable, champion, …)

DIGEST, VERSION, ALIAS, UNVERSIONED = "digest", "version", "alias", "unversioned"
IMMUTABLE = (DIGEST, VERSION)

_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$|^sha256:[0-9a-f]{64}$", re.IGNORECASE)
_ID = re.compile(r"(^|[^0-9a-f])[0-9a-f]{32,64}($|[^0-9a-f])", re.IGNORECASE)
_VERSION = re.compile(r"^v?\d+([._-]\d+)*([._+-][0-9A-Za-z.]+)?$")
_MLFLOW_STAGES = ("production", "staging", "archived", "none")


@dataclass(frozen=True)
class Pinning:
    kind: str  # digest | version | alias | unversioned
    why: str
    pin: str | None = None  # the digest or version itself, when there is one

    @property
    def mutable(self) -> bool:
        return self.kind not in IMMUTABLE


def classify(reference: str) -> Pinning:
    """How firmly ``reference`` names one artifact."""
    text = reference.strip()
    if _DIGEST.search(text):
        return Pinning(DIGEST, "pinned by a sha256 digest", _digest(text))
    if text.startswith("models:/"):
        return _mlflow_model(text[len("models:/"):])
    if text.startswith("runs:/"):
        return Pinning(DIGEST, "an MLflow run's artifact, fixed once the run ends", text[len("runs:/"):].split("/", 1)[0])
    scheme, _, rest = text.partition("://")
    if not rest:
        scheme, rest = "", text
    if scheme in ("docker", "oci") or (not scheme and _looks_like_image(rest)):
        return image(rest)
    return _path(rest)


def image(reference: str) -> Pinning:
    """A container image or OCI artifact ``[registry/]repo[:tag][@sha256:…]``; no tag means ``:latest``."""
    if _DIGEST.search(reference):
        return Pinning(DIGEST, "pinned by a sha256 digest", _digest(reference))
    if not _looks_like_image(reference):
        return Pinning(ALIAS, "an image without a tag is :latest, moved by every push")
    return _tagged(reference)


def _digest(reference: str) -> str:
    return "sha256:" + reference.rsplit("sha256:", 1)[1]


def _mlflow_model(rest: str) -> Pinning:
    name, at, alias = rest.partition("@")
    if at:
        return Pinning(ALIAS, f"the registry alias @{alias} can be moved to another version")
    parts = [part for part in name.split("/") if part]
    last = parts[-1] if len(parts) > 1 else ""
    if last.isdigit():
        return Pinning(VERSION, f"registry version {last}", last)
    if last.lower() in _MLFLOW_STAGES or _FLOATING.search(last):
        return Pinning(ALIAS, f"the registry stage {last!r} moves whenever a version is promoted")
    return Pinning(ALIAS, "a registered model without a version resolves to whatever is newest")


def _looks_like_image(rest: str) -> bool:
    """``registry/repo:tag`` or ``repo:tag``: the last segment carries a tag, not a path."""
    last = rest.rstrip("/").rsplit("/", 1)[-1]
    return ":" in last


def _tagged(rest: str) -> Pinning:
    tag = rest.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[1]
    if _FLOATING.search(tag):
        return Pinning(ALIAS, f"the tag :{tag} is moved by every push")
    if _VERSION.match(tag) or _ID.search(tag):
        return Pinning(VERSION, f"the version tag :{tag} (a tag can still be re-pushed; a digest cannot)", tag)
    return Pinning(ALIAS, f"the tag :{tag} names no version and is moved by every push")


def _path(rest: str) -> Pinning:
    segments = [segment for segment in rest.split("/") if segment]
    for segment in reversed(segments):
        if len(segment) > 1 and _FLOATING.search(segment):
            return Pinning(ALIAS, f"the path segment {segment!r} is a moving alias")
    for segment in segments:
        if _ID.search(segment):
            return Pinning(DIGEST, f"the path holds the content or run id {segment!r}", segment)
    for segment in segments[1:]:
        if _VERSION.match(segment):
            return Pinning(VERSION, f"the path holds the version {segment!r} (a path can still be overwritten)", segment)
    return Pinning(UNVERSIONED, "the path holds no version or digest, so the file there can be replaced in place")


def model_tag(tag: str) -> Pinning:
    """A BentoML model tag ``name[:version]``: no version resolves to the latest."""
    name, colon, version = tag.partition(":")
    if not colon or not version:
        return Pinning(ALIAS, f"the model tag {name!r} has no version, so it resolves to the latest")
    if _FLOATING.search(version):
        return Pinning(ALIAS, f"the model tag version {version!r} is a moving alias")
    return Pinning(VERSION, f"the model tag version {version!r}", version)
