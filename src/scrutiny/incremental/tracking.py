"""Recorded dependencies: what an output read from the model, the documents and site.yaml.

The large shared inputs (the `Model`, its indexes, the Markdown documents, the site config)
are *tracked roots*. Wherever one appears in a page's context or a generated file's
arguments, the output gets a `Tracked` proxy instead. Every read through a proxy (an
attribute, a lookup, a call of a model method, an iteration, a length) is recorded as a
*path* from its root with a digest of what it returned (records by value). Everything else in
a context is hashed by value (keys.Fingerprinter).

Next build, an output is fresh when its context hashes the same and every recorded path,
replayed on the new inputs, returns the same digest (a "verifying trace": if everything it
read is the same, it would be made the same). So a meeting page that looks up one person in
`people` depends on that person, not on the table; a list page depends on the list it
iterated (keys and order, and the records it shows), not on the rest of the model.

Page families know nothing of this: they put the model and documents in contexts as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from functools import cache, partial
from typing import Any

from scrutiny.incremental.keys import Fingerprinter, has_hash_slot, is_flat_record

Path = tuple  # (root name, step, step, ...); a step is ("attr", name), ("item", key), ...
_UNTRACKED = frozenset((str, bytes, int, float, bool, type(None)))
Trace = dict  # Path -> digest (bytes)


class Roots:
    """The tracked roots of one build, by name, and every object that stands for a path."""

    def __init__(self, roots: Mapping[str, Any]) -> None:
        self.roots = dict(roots)
        self.paths: dict[int, tuple[Any, Path]] = {}
        for name, root in self.roots.items():
            self.paths[id(root)] = (root, (name,))
            if not isinstance(root, Mapping) and hasattr(root, "__dict__"):
                for attr, value in vars(root).items():  # the model's tables and indexes
                    if isinstance(value, Mapping) and not attr.startswith("_"):
                        self.paths.setdefault(id(value), (value, (name, ("attr", attr))))

    def path_of(self, obj: Any) -> Path | None:
        found = self.paths.get(id(obj))
        return found[1] if found is not None and found[0] is obj else None

    def fingerprinter(self) -> Fingerprinter:
        """A Fingerprinter that hashes each root as its name (its reads are traced)."""
        fingerprint = Fingerprinter()
        for obj, path in self.paths.values():
            fingerprint.register(obj, repr(path))
        return fingerprint


class Recorder:
    """Collects the reads of the output being made (one output at a time per process)."""

    def __init__(self, roots: Roots, fingerprint: Fingerprinter) -> None:
        self.roots = roots
        self.fingerprint = fingerprint
        self.trace: Trace = {}
        self.coarse = False

    def start(self, coarse: bool = False) -> None:
        """A new trace. `coarse`: the roots are `Watched`, not `Tracked`: for an output that
        reads most of what it is made from, where hashing every value read costs more than
        a finer trace could save."""
        self.trace = {}
        self.coarse = coarse

    def observe(self, path: Path, read: Callable[..., Any], *args: Any) -> Any:
        """Do one read, `read(*args)`, record it, and hand back its result (tracked if it is
        a root). The read is given as a function and its arguments rather than a closure:
        a county's cold build does four million of them."""
        try:
            value = read(*args)
        except Exception as exc:
            self.trace[path] = f"raise:{type(exc).__name__}".encode()
            raise
        if _one_pass(type(value)):
            value = list(value)
        known = self.roots.path_of(value)
        if known is not None:
            return Tracked(value, known, self)
        if callable(value) and not isinstance(value, type):
            return TrackedCall(value, path, self)
        self.trace[path] = self.fingerprint.raw(value)
        return value


def _materialise(value: Any) -> Any:
    """dict views and iterators as lists, so they can be hashed and read more than once."""
    return list(value) if _one_pass(type(value)) else value


@cache
def _one_pass(kind: type) -> bool:
    """Whether values of the type are dict views or iterators (asked once per type)."""
    return issubclass(kind, Iterator) or kind.__name__ in ("dict_keys", "dict_values", "dict_items")


def _step_value(value: Any) -> Any:
    """How an argument appears in a path: a tracked object as its own path."""
    if isinstance(value, Tracked | TrackedCall):
        return ("ref", object.__getattribute__(value, "_path"))
    return value


class Tracked:
    """A tracked root (or an index of it) as an output sees it: every read is recorded.

    An attribute that is itself tracked (`model.people`, `model.committee_of`) records no
    read of its own, so the proxy it gives is kept and given again (`_proxies`): a county's
    pages ask for a million of them."""

    __slots__ = ("_path", "_proxies", "_recorder", "_target")

    def __init__(self, target: Any, path: Path, recorder: Recorder) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_recorder", recorder)
        object.__setattr__(self, "_proxies", {})

    def __getattr__(self, name: str) -> Any:
        proxy = self._proxies.get(name)
        if proxy is not None:
            return proxy
        value = self._recorder.observe((*self._path, ("attr", name)), getattr, self._target, name)
        if type(value) is Tracked or type(value) is TrackedCall:
            self._proxies[name] = value
        return value

    def __getitem__(self, key: Any) -> Any:
        key = _step_value(key)
        return self._recorder.observe((*self._path, ("item", key)), self._item, key)

    def _item(self, key: Any) -> Any:
        return self._target[_resolve_arg(key, self)]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._recorder.observe((*self._path, ("iter",)), list, self._target))

    def __reversed__(self) -> Iterator[Any]:
        return reversed(self._recorder.observe((*self._path, ("iter",)), list, self._target))

    def __len__(self) -> int:
        return self._recorder.observe((*self._path, ("len",)), len, self._target)

    def __bool__(self) -> bool:
        return self._recorder.observe((*self._path, ("bool",)), bool, self._target)

    def __contains__(self, key: Any) -> bool:
        key = _step_value(key)
        return self._recorder.observe((*self._path, ("contains", key)), self._contains, key)

    def _contains(self, key: Any) -> bool:
        return _resolve_arg(key, self) in self._target

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("tracked inputs are read-only")

    def __repr__(self) -> str:
        return f"<tracked {self._path!r}>"


class Watched:
    """A tracked root as an output recorded coarsely sees it: a read records only the part of
    the root it depends on (the root's first step: `model.people`, `model.committee_of`), with
    no digest, and hands back the value itself, untracked."""

    __slots__ = ("_path", "_recorder", "_target")

    def __init__(self, target: Any, path: Path, recorder: Recorder) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_recorder", recorder)

    def _read(self, step: tuple) -> None:
        path = self._path
        self._recorder.trace[(*path, step) if len(path) == 1 else path] = b""

    def __getattr__(self, name: str) -> Any:
        self._read(("attr", name))
        return getattr(self._target, name)

    def __getitem__(self, key: Any) -> Any:
        self._read(("iter",))  # any item: the whole of what it is read from
        return self._target[key]

    def __iter__(self) -> Iterator[Any]:
        self._read(("iter",))
        return iter(self._target)

    def __len__(self) -> int:
        self._read(("iter",))
        return len(self._target)

    def __bool__(self) -> bool:
        self._read(("iter",))
        return bool(self._target)

    def __contains__(self, key: Any) -> bool:
        self._read(("iter",))
        return key in self._target

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("tracked inputs are read-only")


class TrackedCall:
    """A method of a tracked object (model.committee_of, people.get): calls are recorded."""

    __slots__ = ("_function", "_path", "_recorder")

    def __init__(self, function: Any, path: Path, recorder: Recorder) -> None:
        self._function, self._path, self._recorder = function, path, recorder

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        steps = tuple(map(_step_value, args))
        named = tuple(sorted((k, _step_value(v)) for k, v in kwargs.items())) if kwargs else ()
        path = (*self._path, ("call", steps, named))
        real_args = [_resolve_arg(a, self) for a in steps]
        if named:
            real_kwargs = {k: _resolve_arg(v, self) for k, v in named}
            return self._recorder.observe(path, partial(self._function, **real_kwargs), *real_args)
        return self._recorder.observe(path, self._function, *real_args)


def _resolve_arg(value: Any, holder: Tracked | TrackedCall) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "ref":
        roots = object.__getattribute__(holder, "_recorder").roots
        return resolve(value[1], roots)
    return value


# -- replay --------------------------------------------------------------------------------


def resolve(path: Path, roots: Roots) -> Any:
    """Follow a recorded path on this build's inputs (raises what the read raised)."""
    value = roots.roots[path[0]]
    for step in path[1:]:
        value = _materialise(_apply(value, step, roots))
    return value


def _apply(value: Any, step: tuple, roots: Roots) -> Any:
    kind = step[0]
    if kind == "attr":
        return getattr(value, step[1])
    if kind == "item":
        return value[_replay_arg(step[1], roots)]
    if kind == "iter":
        return list(value)
    if kind == "len":
        return len(value)
    if kind == "bool":
        return bool(value)
    if kind == "contains":
        return _replay_arg(step[1], roots) in value
    if kind == "call":
        args = [_replay_arg(a, roots) for a in step[1]]
        return value(*args, **{k: _replay_arg(v, roots) for k, v in step[2]})
    raise ValueError(f"unknown step {step!r}")


def _replay_arg(value: Any, roots: Roots) -> Any:
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "ref":
        return resolve(value[1], roots)
    return value


class Replayer:
    """Digests of recorded paths on this build's inputs, each computed once."""

    def __init__(self, roots: Roots, fingerprint: Fingerprinter) -> None:
        self.roots = roots
        self.fingerprint = fingerprint
        self.memo: dict[Path, bytes] = {}

    def digest(self, path: Path) -> bytes:
        try:
            return self.memo[path]
        except KeyError:
            pass
        except TypeError:  # an unhashable step (a list argument): not remembered
            return self._digest(path)
        value = self.memo[path] = self._digest(path)
        return value

    def _digest(self, path: Path) -> bytes:
        try:
            value = resolve(path, self.roots)
        except Exception as exc:
            return f"raise:{type(exc).__name__}".encode()
        if (callable(value) and not isinstance(value, type)) or self.roots.path_of(value):
            return b"tracked"  # never recorded as a digest: a miss, so the output is made
        return self.fingerprint.raw(value)


# -- contexts ------------------------------------------------------------------------------


def read_whole(value: Any) -> Any:
    """The value behind the proxy of an output recorded coarsely, with the read of all of it
    recorded (a file keeps its parts by a hash of what each is made from: store.kept_calls);
    any other value as it is."""
    if isinstance(value, Watched):
        value._read(("iter",))
        return value._target
    return value


def track(
    value: Any,
    roots: Roots,
    recorder: Recorder,
    memo: dict[int, Any],
    proxy: type[Tracked | Watched] = Tracked,
) -> Any:
    """The value with every tracked root in it replaced by a recording proxy (containers
    and dataclasses rebuilt only where something inside was replaced). `memo` is kept for
    one kind of proxy."""
    found = memo.get(id(value))
    if found is not None and found[0] is value:
        return found[1]
    result = _track(value, roots, recorder, memo, proxy)
    memo[id(value)] = (value, result)
    return result


def _track(value: Any, roots: Roots, recorder: Recorder, memo: dict[int, Any], proxy: type) -> Any:
    if type(value) in _UNTRACKED or has_hash_slot(value):  # no root is a plain value or a row
        return value
    path = roots.path_of(value)
    if path is not None:
        return proxy(value, path, recorder)
    if isinstance(value, str | bytes | int | float | type(None)) or is_flat_record(value):
        return value
    if isinstance(value, dict):
        items = {k: track(v, roots, recorder, memo, proxy) for k, v in value.items()}
        same = all(items[k] is v for k, v in value.items())
        return value if same else type(value)(items) if type(value) is dict else items
    if isinstance(value, list | tuple):
        items = [track(v, roots, recorder, memo, proxy) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return items if isinstance(value, list) else _same_tuple(value, items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            inner = getattr(value, field.name)
            new = track(inner, roots, recorder, memo, proxy)
            if new is not inner:
                changes[field.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


def _same_tuple(original: tuple, items: list) -> tuple:
    if type(original) is tuple:
        return tuple(items)
    return type(original)(*items)  # a named tuple


def refs(step: Any) -> list[Path]:
    """The paths of the tracked values a step was given (`("ref", path)`, in a call's
    arguments or as an item's key)."""
    if not isinstance(step, tuple):
        return []
    if len(step) == 2 and step[0] == "ref" and isinstance(step[1], tuple):
        return [step[1]]
    return [ref for inner in step if isinstance(inner, tuple) for ref in refs(inner)]
