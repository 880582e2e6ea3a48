"""The build as a recorded dependency graph: for every output, the key of what it was given
and the trace of what it read (tracking.py). An output is re-made only when one of them
changed; otherwise the last build's copy is linked into the new site.

    static key   scrutiny's code, the templates the page's template extends, includes or
                 imports, the output's path, and its context (or a generated file's function
                 and arguments) hashed by value, with tracked roots standing in by name
    trace        every read through a tracked root, with a digest of what it returned

A trace is checked by replaying its reads on this build's inputs, and only for roots whose
version (a hash of what the root is made from) changed since the last build. A root may be
split into parts with versions of their own (the model: one per table): a read whose first
step names a part (`model.people`, a relation made from one table, a method declared to read
some) depends on those parts alone, and any other read on the whole root, so an edited table
replays only the reads of that table. Each trace is kept pickled, with the names of the roots
(and parts) it read: a county's million reads load in milliseconds, and only the traces that
read something that changed are unpickled. Inside a trace the reads are grouped by the roots
and parts each depends on, worked out once when it is recorded, and each group is pickled
apart: only the groups of what changed are unpickled and replayed (after a new meeting, a
third of the bytes of the traces that read the meetings).

A page family declares the inputs it reads to make its outputs (pages.Family.made_from). While
none of them, nor the code, the templates or the Jinja globals changed (`family_versions`),
its outputs' static keys are the last build's, and are not computed again (`unchanged`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jinja2 import Environment, meta

from scrutiny.incremental.keys import Fingerprinter, code_digest, digest
from scrutiny.incremental.tracking import (
    Recorder,
    Replayer,
    Roots,
    Trace,
    Tracked,
    Watched,
    refs,
    track,
)
from scrutiny.outputs import Generated, Page

Made = tuple[str, str, bytes]  # (static key, roots its trace read, its groups of reads pickled)
TRACKED_GLOBALS = {"site": "site"}  # Jinja globals that are tracked roots
READ_KEYS_KEPT = 100_000  # reads whose keys a worker remembers between batches (Keys.forget)


@dataclass
class Graph:
    """What the last build recorded, and this build's roots and their versions."""

    roots: Roots
    versions: dict[str, str]  # by root, and by "root:part" for the parts of a split root
    previous_versions: dict[str, str] = field(default_factory=dict)
    previous: dict[str, Made] = field(default_factory=dict)
    # root -> the first attribute of a read -> the parts it reads ("*": the item it reads)
    parts: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    # roots split by item ("root:key"): a read of one item depends on that item alone
    by_item: frozenset[str] = frozenset()
    families: dict[str, str] = field(default_factory=dict)  # family_versions
    unchanged: frozenset[str] = frozenset()  # outputs whose static key is the last build's

    def record(self, outputs: list[str]) -> dict[str, Any]:
        """What the next build reads as `previous`; `outputs`: the checksums of the parts
        the outputs' records are kept in (Store.save_parts), read back as the records."""
        return {"versions": self.versions, "outputs": outputs, "families": self.families}


def family_versions(
    env: Environment, families: Mapping[str, Collection[str]], inputs: Mapping[str, str]
) -> dict[str, str]:
    """A hash of what each family's outputs are made from: the code, every template, the
    Jinja globals and filters, and the versions of the inputs it declares (`families`: its
    name -> the names of those inputs; `inputs`: their versions, None for a table the
    project does not have)."""
    common = f"{environment_key(env, Fingerprinter())}|{templates_digest(env)}"
    return {
        name: digest(f"{common}|{name}|{[inputs.get(i) for i in sorted(made_from)]}".encode())
        for name, made_from in families.items()
    }


def environment_key(env: Environment, fingerprint: Fingerprinter) -> str:
    """Scrutiny's code and the Jinja globals (but the tracked ones) and filters."""
    untracked = {k: v for k, v in env.globals.items() if k not in TRACKED_GLOBALS}
    return "|".join([code_digest(), fingerprint(untracked), fingerprint(env.filters)])


def templates_digest(env: Environment) -> str:
    """The names and sources of every template the environment can load."""
    assert env.loader is not None
    h = hashlib.blake2b(digest_size=16)
    for name in env.list_templates():
        h.update(f"{name}\0{env.loader.get_source(env, name)[0]}\0".encode())
    return h.hexdigest()


def root_versions(roots: Mapping[str, Any], known: Mapping[str, str]) -> dict[str, str]:
    """A hash of what each root is made from: `known` for the roots made from files (the
    model, the documents: hashes of their files, without walking a million records or ten
    thousand documents), their values for the others."""
    fingerprint = Fingerprinter()
    return {
        name: known[name] if name in known else fingerprint(root) for name, root in roots.items()
    }


class Keys:
    """Static keys, trace checks and tracked rendering, inside one (worker) process."""

    def __init__(self, env: Environment, graph: Graph) -> None:
        self.env = env
        self.graph = graph
        self.fingerprint = graph.roots.fingerprinter()
        self.recorder = Recorder(graph.roots, self.fingerprint)
        self.replayer = Replayer(graph.roots, self.fingerprint)
        self.tracked_memo: dict[int, Any] = {}
        self.watched_memo: dict[int, Any] = {}
        self.global_key = environment_key(env, self.fingerprint)
        self.template_digest = cache(self._template_digest)
        before, now = graph.previous_versions, graph.versions
        self.changed_roots = {k for k in before.keys() | now.keys() if before.get(k) != now.get(k)}
        self._read_keys: dict[Any, tuple[str, ...]] = {}

    def forget(self) -> None:
        """Drop what the hashing and tracking of earlier outputs kept, between batches: a
        worker makes thousands of outputs, and its memory stays that of one batch. What each
        read depends on is kept up to READ_KEYS_KEPT reads: many outputs read the same
        records (a person, a committee), and working it out is most of recording a trace."""
        self.fingerprint.forget()
        self.tracked_memo.clear()
        self.watched_memo.clear()
        if len(self._read_keys) > READ_KEYS_KEPT:
            self._read_keys.clear()

    def static(self, output: Page | Generated) -> str:
        """The output's static key: the last build's, if its family's inputs are unchanged."""
        if output.path in self.graph.unchanged:
            return self.graph.previous[output.path][0]
        return self.hash_static(output)

    def hash_static(self, output: Page | Generated) -> str:
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{self.global_key}|{output.path}|".encode())
        if isinstance(output, Generated):
            h.update(self.fingerprint.raw((output.make, output.args)))
        else:
            h.update(f"{output.template}|{output.title}|".encode())
            h.update(self.template_digest(output.template).encode())
            h.update(self.fingerprint.raw(output.context))
        return h.hexdigest()

    def _template_digest(self, name: str) -> str:
        """The sources of a template and of every template it extends, includes or imports
        (all templates when one of those names is computed at render time)."""
        h = hashlib.blake2b(digest_size=16)
        seen: set[str] = set()
        pending = [name]
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            source = self.env.loader.get_source(self.env, current)[0]  # type: ignore[union-attr]
            h.update(f"{current}\0{source}\0".encode())
            for referenced in meta.find_referenced_templates(self.env.parse(source)):
                if referenced is None:  # a computed name: depend on every template
                    pending += self.env.list_templates()
                else:
                    pending.append(referenced)
        return h.hexdigest()

    def fresh(self, made: Made) -> bool:
        """Whether every read of the output's trace gives what it gave last time: only the
        reads of roots and parts that changed are replayed."""
        changed = self.changed_roots
        if changed.isdisjoint(made[1].split()):
            return True
        if not made[2]:  # recorded coarsely: a part it read changed
            return False
        groups: tuple[tuple[tuple[str, ...], bytes], ...] = pickle.loads(made[2])
        for keys, reads in groups:
            if changed.isdisjoint(keys):
                continue
            trace: tuple[tuple[Any, bytes], ...] = pickle.loads(reads)
            if any(self.replayer.digest(path) != value for path, value in trace):
                return False
        return True

    def read_keys(self, path: tuple) -> tuple[str, ...]:
        """What a read depends on: the parts of its root its first step names (and those of
        any tracked value it was given), or the whole root."""
        try:
            return self._read_keys[path]
        except KeyError:
            pass
        except TypeError:  # an unhashable step: not remembered
            return self._keys_of(path)
        keys = self._read_keys[path] = self._keys_of(path)
        return keys

    def _keys_of(self, path: tuple) -> tuple[str, ...]:
        root = path[0]
        keys = [root]
        item = _item(path) if root in self.graph.by_item else None
        if item is not None:
            keys = [f"{root}:{item}"]
        parts = self.graph.parts.get(root)
        if parts and len(path) > 1 and path[1][0] == "attr" and path[1][1] in parts:
            named = parts[path[1][1]]
            if named == ("*",):
                named = (path[2][1],) if len(path) > 2 and path[2][0] == "item" else ()
            wanted = [f"{root}:{part}" for part in named]
            if wanted and all(key in self.graph.versions for key in wanted):
                keys = wanted
        for step in path[1:]:
            for ref in refs(step):
                keys += self.read_keys(ref)
        return tuple(dict.fromkeys(keys))

    def tracking(self, output: Page | Generated) -> Page | Generated:
        """The output with its tracked roots replaced by recording proxies; starts a trace."""
        coarse = isinstance(output, Generated) and output.coarse
        self.recorder.start(coarse)
        for name, root in TRACKED_GLOBALS.items():
            value = self.env.globals.get(name)
            if isinstance(value, Tracked):  # tracked already, maybe by another Keys
                if value._recorder is self.recorder:
                    continue
                value = value._target
            if value is not None:
                self.env.globals[name] = Tracked(value, (root,), self.recorder)
        memo = self.tracked_memo
        if isinstance(output, Generated):
            proxy, memo = (Watched, self.watched_memo) if coarse else (Tracked, memo)
            roots = self.graph.roots
            args = tuple(track(a, roots, self.recorder, memo, proxy) for a in output.args)
            return dataclasses.replace(output, args=args)
        context = track(dict(output.context), self.graph.roots, self.recorder, memo)
        return dataclasses.replace(output, context=context)

    def made(self, static: str) -> Made:
        """The record of the output just rendered (tracking): its key, the roots and parts
        its trace read, and the trace, its reads grouped by what each depends on and each
        group pickled apart (so that `fresh` unpickles and replays only the groups of what
        changed, without working out again what each read depends on)."""
        recorded: Trace = self.recorder.trace
        grouped: dict[tuple[str, ...], list[tuple[Any, bytes]]] = {}
        for path, value in recorded.items():
            grouped.setdefault(self.read_keys(path), []).append((path, value))
        roots = " ".join(sorted({key for keys in grouped for key in keys}))
        if self.recorder.coarse:  # fresh only while none of those parts changed
            return static, roots, b""
        groups = tuple((keys, pickle.dumps(tuple(reads), 5)) for keys, reads in grouped.items())
        return static, roots, pickle.dumps(groups, 5)


def _item(path: tuple) -> str | None:
    """The key of the one item a read looks up (`root[key]`, `root.get(key)`, `key in
    root`), or None for any other read (an iteration, a length: the whole root)."""
    if len(path) < 2:
        return None
    step = path[1]
    if step[0] in ("item", "contains"):
        key = step[1]
    elif step == ("attr", "get") and len(path) > 2 and path[2][0] == "call" and path[2][1]:
        key = path[2][1][0]
    else:
        return None
    return key if isinstance(key, str) else None
