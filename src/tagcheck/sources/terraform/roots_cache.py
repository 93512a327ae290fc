"""Evaluated root modules, cached: an unchanged repository is not evaluated again.

A root module's resources and problems depend only on what its evaluation read: the
files of every module directory it loaded (the root and each local module it called,
transitively), where each local ``source`` resolved to, the root's tfvars and the
``--var-file``/``--var`` inputs, the workspace (``--workspace`` or the root's
``.terraform/environment``), the repository boundary, the working directory (paths
are shown relative to it), the file-size limit and tagcheck's version. The entry for a
root is stored under a key made of the last six (:func:`root_key`) and carries the
first two as *dependencies*: fingerprints of the directories (names and content hashes
of their Terraform and tfvars files, or why one could not be read) and the resolved
sources. It is used only when every dependency still holds — one edited file, one new
``.tf`` or ``.tfvars`` file, a re-pointed symbolic link, or a module directory created or
deleted makes the root be evaluated again. A warm run therefore reads and hashes every
file but parses and evaluates nothing.

Entries are ``marshal`` data (never ``pickle``: a cache directory restored from elsewhere
must not be able to run code). :func:`encode_resource` / :class:`Decoder` turn
:class:`~tagcheck.model.Resource` and its values (with :class:`~tagcheck.model.Unknown`
and ``PartialMap``) into plain data and back; a value of any other type makes the root
uncacheable rather than wrong.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable

from tagcheck.model import Location, Origin, Resource, SourceProblem, TagSet, TagSource, TagValue, Unknown
from tagcheck.sources.terraform.values import PartialMap
from tagcheck.sources.terraform.expansion import ZeroInstances
from tagcheck.sources.terraform.inputs import selected_workspace

ENTRY_VERSION = 5  # bump when the shape of an entry changes


class Uncacheable(Exception):
    """A value the codec does not know: evaluate this root every time."""


def root_key(cache, root: Path, cwd: Path, boundary: Path | None, inputs, max_file_bytes: int,
             file_digest: Callable[[Path], str]) -> str:
    parts = [f"roots {ENTRY_VERSION}", str(root), str(cwd), str(boundary), str(max_file_bytes),
             repr(sorted(inputs.vars.items())), repr(selected_workspace(root, inputs))]
    parts += [f"{path}={file_digest(Path(path))}" for path in inputs.var_files]
    return cache.key("root", "\0".join(parts).encode())


def still_valid(deps: tuple, fingerprint: Callable[[str], str],
                resolve: Callable[[str, str], tuple[str | None, bool]]) -> bool:
    """Every directory read still has its fingerprint, every local source still resolves
    where it did (``resolve``: moduledir.resolve_source's first two values)."""
    directories, sources = deps
    return (all(fingerprint(d) == fp for d, fp in directories)
            and all(resolve(d, s) == (child, exists) for d, s, child, exists in sources))


# --- the codec ---------------------------------------------------------------------------

class _Encoder:
    """Plain data for marshal; ``special`` tells whether decoding has anything to undo."""

    def __init__(self) -> None:
        self.special = False

    def __call__(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind in (str, int, float, bool):
            return value
        if kind is list:
            return [self(v) for v in value]
        if kind is dict:
            return {k if type(k) is str else _bad(k): self(v) for k, v in value.items()}
        self.special = True
        if kind is Unknown:
            return ("u", value.reason, value.ref)
        if kind is PartialMap:
            return ("p", self(dict(value.known)), value.reason)
        return _bad(value)


def _bad(value: Any):
    raise Uncacheable(type(value).__name__)


def _dec(value: Any) -> Any:
    kind = type(value)
    if kind is list:
        return [_dec(v) for v in value]
    if kind is dict:
        return {k: _dec(v) for k, v in value.items()}
    if kind is tuple:  # the codec's own markers: evaluated values contain no tuples
        return Unknown(value[1], value[2]) if value[0] == "u" else PartialMap(_dec(value[1]), value[2])
    return value


def _enc(value: Any) -> tuple[bool, Any]:
    """(needs decoding, plain value): most attribute maps hold no unknowns, and marshal
    alone gives them back."""
    encoder = _Encoder()
    plain = encoder(value)
    return encoder.special, plain


def _dec_flagged(flagged: tuple[bool, Any]) -> Any:
    special, plain = flagged
    return _dec(plain) if special else plain


def _enc_location(loc: Location) -> tuple:
    return (loc.file, loc.line, loc.end_line, loc.column, loc.arn)


def _enc_tags(tags: TagSet | None) -> tuple | None:
    if tags is None:
        return None
    values = tuple((k, v.value, v.source.value, v.unknown_reason) for k, v in tags.values.items())
    return (values, tags.complete, tags.unknown_reason, tuple(sorted(tags.hidden_keys)), tuple(tags.hidden_prefixes))


_TAG_SOURCES = {s.value: s for s in TagSource}
_ORIGINS = {o.value: o for o in Origin}


class Decoder:
    """Decodes the resources of one run. Identical tag sets (a module's resources mostly
    share theirs) become one shared, immutable TagSet: less to build and to hold."""

    def __init__(self) -> None:
        self._tag_sets: dict[tuple, TagSet] = {}
        self._paths: dict[str, Path] = {}
        self._tag_values: dict[tuple, TagValue] = {}
        self._objects: dict = {}
        self._locations: dict[tuple, Location] = {}

    def _tag_value(self, value: str | None, source: str, reason: str | None) -> TagValue:
        key = (value, source, reason)
        tag = self._tag_values.get(key)
        if tag is None:
            tag = self._tag_values[key] = TagValue(value, _TAG_SOURCES[source], reason)
        return tag

    def chain(self, directories: tuple[str, ...]) -> tuple[Path, ...]:
        paths = self._paths
        return tuple(paths.get(d) or paths.setdefault(d, Path(d)) for d in directories)

    def tags(self, plain: tuple | None) -> TagSet | None:
        if plain is None:
            return None
        tags = self._tag_sets.get(plain)
        if tags is None:
            values, complete, reason, hidden_keys, hidden_prefixes = plain
            tags = TagSet({k: self._tag_value(v, s, r) for k, v, s, r in values}, complete, reason,
                          frozenset(hidden_keys), tuple(hidden_prefixes))
            self._tag_sets[plain] = tags
        return tags

    def _shared(self, value):
        """One object for equal strings, locations and rule sets across the run's resources."""
        return self._objects.setdefault(value, value)

    def _location(self, plain: tuple) -> Location:
        location = self._locations.get(plain)
        if location is None:
            location = self._locations[plain] = Location(*plain)
        return location

    def resource(self, plain: tuple) -> Resource:
        (address, rtype, origin, location, tags, attributes, region, account, module, provider, suppressed, action,
         root) = plain
        shared = self._shared
        region = _dec_flagged(region)
        return Resource(address=address, type=shared(rtype), origin=_ORIGINS[origin], location=self._location(location),
                        tags=self.tags(tags), attributes=_dec_flagged(attributes),
                        region=shared(region) if isinstance(region, str) else region, account=account,
                        module=shared(module), provider=shared(provider),
                        suppressed_rules=shared(frozenset(suppressed)), action=action, root=shared(root))


def encode_resource(r: Resource) -> tuple:
    return (r.address, r.type, r.origin.value, _enc_location(r.location), _enc_tags(r.tags), _enc(dict(r.attributes)),
            _enc(r.region), r.account, r.module, r.provider, tuple(sorted(r.suppressed_rules)), r.action, r.root)


def encode_problem(p: SourceProblem) -> tuple:
    return (p.rule, p.message, _enc_location(p.location), _enc(dict(p.details)))


def decode_problem(plain: tuple) -> SourceProblem:
    rule, message, location, details = plain
    return SourceProblem(rule, message, Location(*location), _dec_flagged(details))


def encode_zero(z: ZeroInstances) -> tuple:
    return (z.address, z.kind, _enc_location(z.location), z.expression, z.value, z.chain)


def decode_zero(plain: tuple) -> ZeroInstances:
    address, kind, location, expression, value, chain = plain
    return ZeroInstances(address, kind, Location(*location), expression, value, tuple(chain))


def problem_identity(p: SourceProblem) -> tuple:
    """Two roots evaluating one module report its problems twice: keep one."""
    return (p.rule, p.message, p.location, repr(sorted(p.details.items())))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
