"""Reading and checking inputs in worker processes (``fsaudit audit --jobs N``).

Inputs are split into chunks of consecutive files (in sorted order) and sent to a
:class:`~concurrent.futures.ProcessPoolExecutor` started with the ``spawn`` method on every
platform, so that what crosses the process boundary must be picklable everywhere. Each worker
builds its own plugin set once, in its initializer, from the names of the disabled plugins and
the extra plugins (a module travels by its import name). Workers read each input and run the
structure rules; network rules, waivers and decisions run in the parent on the merged results,
so the report does not depend on the number of workers.

What a worker sends back is plain data: a reader's ``locate`` function that cannot be pickled
is replaced by a :class:`LocationTable` of every field of the structure, resolved in the worker.

A worker that dies (a crash in a reader's native code, the out-of-memory killer, a rule calling
``os._exit``) breaks the pool: every file whose chunk had not come back is retried alone, in a
fresh worker process of its own. A file that kills its worker again is reported as an input
error naming it; nothing is dropped silently.
"""

from __future__ import annotations

import enum
import gc
import hashlib
import importlib
import io
import math
import multiprocessing
import pickle
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import attrs
from attrs import frozen

from fsaudit.inputs.reader import LoadedStructure, ReadResult
from fsaudit.model.facts import InputProblem
from fsaudit.model.result import InputInfo
from fsaudit.model.rule import RuleContext

__all__ = ["LocationTable", "ParallelRun", "WorkerConfig", "check_inputs", "chunked", "portable_plugins"]

MAX_CHUNK = 16
"""Largest number of files sent to a worker at once."""

Progress = Callable[[int], None]


@frozen
class LocationTable:
    """A picklable stand-in for a reader's ``locate`` function: JSON path parts → location."""

    table: dict[tuple[str | int, ...], str]

    def __call__(self, parts: tuple[str | int, ...]) -> str | None:
        return self.table.get(tuple(parts))


def _node_paths(value: Any, prefix: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    yield prefix
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _node_paths(getattr(value, field.name), (*prefix, field.name))
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from _node_paths(item, (*prefix, index))


def location_table(loaded: LoadedStructure) -> LocationTable:
    """Every location ``loaded.locate_fn`` gives for the fields of the structure (declared or not)."""
    table: dict[tuple[str | int, ...], str] = {}
    if loaded.locate_fn is not None:
        for parts in _node_paths(loaded.structure, tuple(loaded.parts)):
            found = loaded.locate_fn(parts)
            if found:
                table[parts] = found
    return LocationTable(table)


def _picklable(value: Any) -> bool:
    try:
        pickle.dumps(value)
    except Exception:  # noqa: BLE001 - any failure means "not picklable"
        return False
    return True


def _locator_key(locate: Any) -> tuple[int, Any]:
    """The same key for every bound method of one locator object (a new bound-method object is
    made at each attribute access, but they all pickle the same locator)."""
    owner = getattr(locate, "__self__", None)
    if owner is not None:
        return id(owner), getattr(locate, "__func__", None)
    return id(locate), None


def _portable_structure(loaded: LoadedStructure, verdicts: dict[tuple[int, Any], bool]) -> LoadedStructure:
    """``loaded`` with a :class:`LocationTable` instead of a ``locate`` function that cannot be
    pickled; each distinct function is tried once (``verdicts``), not once per structure: a
    workbook's locator holds the references of the whole workbook."""
    if loaded.locate_fn is None:
        return loaded
    key = _locator_key(loaded.locate_fn)
    if key not in verdicts:
        verdicts[key] = _picklable(loaded.locate_fn)
    if verdicts[key]:
        return loaded
    return attrs.evolve(loaded, locate_fn=location_table(loaded))


def portable_plugins(extra: Sequence[tuple[str, object]]) -> tuple[tuple[str, str, Any], ...]:
    """Extra plugins in a form a worker can rebuild: a module by its import name, any other
    object as itself (it must then be picklable)."""
    out: list[tuple[str, str, Any]] = []
    for name, obj in extra:
        if isinstance(obj, types.ModuleType):
            out.append((name, "module", obj.__name__))
        else:
            out.append((name, "object", obj))
    return tuple(out)


def _rebuild_plugins(spec: Sequence[tuple[str, str, Any]]) -> list[tuple[str, object]]:
    return [(name, importlib.import_module(value) if kind == "module" else value) for name, kind, value in spec]


@frozen
class WorkerConfig:
    """What a worker needs to build its own plugin set and engine."""

    disabled: tuple[str, ...]
    extra: tuple[tuple[str, str, Any], ...]
    context: RuleContext


class WorkerSetupError(Exception):
    """The worker could not build its plugin set; its chunks are checked in the parent."""


# Set by the initializer in worker processes only; the parent process never reads it.
_WORKER: dict[str, Any] = {}


def _init_worker(config: WorkerConfig) -> None:
    from fsaudit.plugin.manager import load_plugins
    from fsaudit.run.checks import Engine
    from fsaudit.run.collector import YOUNG_THRESHOLD

    try:
        plugins = load_plugins(config.disabled, _rebuild_plugins(config.extra))
        _WORKER["state"] = (plugins, Engine(plugins, config.context))
    except Exception as exc:  # noqa: BLE001 - reported through the chunks, never a traceback
        _WORKER["error"] = f"{type(exc).__name__} : {exc}"
    # The worker process is ours: what it loaded is never garbage, and what it checks lives
    # until sent back (see fsaudit.run.collector).
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 1000, 1000)


def _check_chunk(paths: Sequence[str]) -> bytes:
    """The checked inputs of ``paths``, pickled here (a list of ``CheckedInput``).

    The whole chunk is pickled at once; only when that fails are its ``locate`` functions and
    evidence made portable (:func:`_portable`) and the chunk pickled again.
    """
    from fsaudit.run.checks import check_input

    if "state" not in _WORKER:
        raise WorkerSetupError(_WORKER.get("error", "processus non initialisé"))
    plugins, engine = _WORKER["state"]
    out = [check_input(path, plugins, engine) for path in paths]
    try:
        return _dumps(out)
    except Exception:  # noqa: BLE001 - some locate function or evidence cannot travel as it is
        verdicts: dict[tuple[int, Any], bool] = {}
        return _dumps([_portable(item, verdicts) for item in out])


def _portable(checked: Any, verdicts: dict[tuple[int, Any], bool]) -> Any:
    """A ``CheckedInput`` that can be pickled: ``locate`` functions replaced by tables where they
    cannot be pickled, evidence made JSON-safe where it cannot."""
    structures = tuple(_portable_structure(s, verdicts) for s in checked.read.structures)
    checked = attrs.evolve(checked, read=attrs.evolve(checked.read, structures=structures))
    return checked if _picklable(checked) else _json_safe_evidence(checked)


class _Pickler(pickle.Pickler):
    """Enum members travel as ``getattr(EnumClass, name)``: the parent unpickles every result's
    status and severity, and ``EnumClass(value)`` (the standard reduction) is a slow lookup
    in Python, on the parent's serial path."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, enum.Enum):
            cls = type(obj)
            name = obj._name_
            if name is not None and cls._member_map_.get(name) is obj:
                return getattr, (cls, name)
        return NotImplemented


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def _loads(data: bytes) -> Any:
    """A chunk sent back by a worker, unpickled with the cyclic collector paused.

    Everything unpickled is kept until the report is written, so a collection during the load
    finds no garbage; on 3,000 declaration files the parent spent about a third of its
    unpickling time in such collections, on its serial path."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(data)  # noqa: S301 - from our own worker
    finally:
        if enabled:
            gc.enable()


def _json_safe_evidence(checked: Any) -> Any:
    from fsaudit.report.json_contract import _json_safe

    results = tuple(
        {rule: r.evolve(evidence=_json_safe(r.evidence)) for rule, r in by_rule.items()} for by_rule in checked.results
    )
    return attrs.evolve(checked, results=results)


def chunked(paths: Sequence[str], workers: int) -> list[tuple[str, ...]]:
    """Consecutive chunks: about four per worker, at most :data:`MAX_CHUNK` files each."""
    if not paths:
        return []
    size = max(1, min(MAX_CHUNK, math.ceil(len(paths) / (workers * 4))))
    return [tuple(paths[i : i + size]) for i in range(0, len(paths), size)]


@frozen
class ParallelRun:
    """Checked inputs in the order of ``paths``, and what went wrong with workers (French)."""

    checked: tuple[Any, ...]  # tuple[CheckedInput, ...]
    restarted: tuple[str, ...] = ()
    """Files whose worker died or failed, checked again (alone, or in the parent)."""
    notes: tuple[str, ...] = ()


def _pool(workers: int, config: WorkerConfig) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(config,),
    )


def _dead_input(path: str) -> Any:
    from fsaudit.run.checks import CheckedInput

    try:
        with open(path, "rb") as handle:
            sha256: str | None = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        sha256 = None
    problem = InputProblem(
        path,
        "fichier",
        "le processus qui auditait ce fichier s'est arrêté brutalement, deux fois (plantage d'un lecteur "
        "ou d'une règle, mémoire épuisée) : fichier non audité",
    )
    return CheckedInput(InputInfo(path, sha256, None, 0, 1), ReadResult("inconnu", problems=(problem,)), ())


def _retry_alone(paths: Sequence[str], config: WorkerConfig, jobs: int, progress: Progress) -> dict[str, Any]:
    """Check each file in a fresh single-worker pool, ``jobs`` at a time."""
    done: dict[str, Any] = {}
    for start in range(0, len(paths), jobs):
        batch = paths[start : start + jobs]
        pools = [_pool(1, config) for _ in batch]
        try:
            futures = [pool.submit(_check_chunk, (path,)) for pool, path in zip(pools, batch, strict=True)]
            for path, future in zip(batch, futures, strict=True):
                try:
                    (checked,) = _loads(future.result())
                except BrokenProcessPool:
                    checked = _dead_input(path)
                except Exception:  # noqa: BLE001, S112 - left out of ``done``: the caller checks it in this process
                    continue
                done[path] = checked
                progress(1)
        finally:
            for pool in pools:
                pool.shutdown(wait=True, cancel_futures=True)
    return done


def check_inputs(
    paths: Sequence[str],
    *,
    jobs: int,
    config: WorkerConfig,
    in_parent: Callable[[str], Any],
    progress: Progress | None = None,
) -> ParallelRun:
    """Read and check ``paths`` in ``jobs`` worker processes.

    ``in_parent(path)`` checks one file in the parent process; it is used for files a worker
    could not send back for another reason than its death (an object that cannot be pickled,
    a plugin the worker could not load).
    """
    tick: Progress = progress or (lambda n: None)
    chunks = chunked(list(paths), jobs)
    results: dict[str, Any] = {}
    broken: list[str] = []
    failed: list[str] = []
    notes: list[str] = []
    if chunks:
        with _pool(min(jobs, len(chunks)), config) as pool:
            futures: dict[Future[bytes], tuple[str, ...]] = {pool.submit(_check_chunk, c): c for c in chunks}
            for future in as_completed(futures):
                chunk = futures[future]
                try:
                    items = _loads(future.result())
                except BrokenProcessPool:
                    broken.extend(chunk)
                    continue
                except Exception as exc:  # noqa: BLE001 - the chunk is checked in the parent
                    failed.extend(chunk)
                    notes.append(_failure_note(exc, chunk))
                    continue
                for path, item in zip(chunk, items, strict=True):
                    results[path] = item
                tick(len(chunk))
    if broken:
        broken.sort(key=list(paths).index)
        notes.append(
            "un processus de travail s'est arrêté brutalement ; fichiers repris un par un dans un processus "
            f"neuf : {', '.join(broken)}"
        )
        retried = _retry_alone(broken, config, jobs, tick)
        results.update(retried)
        failed.extend(p for p in broken if p not in retried)
    for path in failed:
        results[path] = in_parent(path)
        tick(1)
    restarted = tuple(p for p in paths if p in set(broken) | set(failed))
    return ParallelRun(tuple(results[p] for p in paths), restarted, tuple(notes))


def _failure_note(exc: BaseException, chunk: Iterable[str]) -> str:
    reason = str(exc) if isinstance(exc, WorkerSetupError) else f"{type(exc).__name__} : {exc}"
    return (
        f"un processus de travail n'a pas pu traiter {', '.join(chunk)} ({reason}) ; "
        "fichiers audités dans le processus principal"
    )
