"""Calling hooks through pluggy, with each implementation isolated from the others.

pluggy stops a hook call at the first exception. fsaudit wants both: every hook called through
pluggy (so that ``tryfirst``/``trylast``, wrappers and ordering work as pluggy's users expect),
and a fault in one plugin's implementation confined to that plugin. So, when a plugin is
registered, each of its (non-wrapper) implementations is wrapped by :func:`isolate`; inside a
:func:`call_hook`, an implementation that raises is recorded as a :class:`HookFailure` and
answers ``None`` — pluggy then goes on with the next implementation, for ``firstresult`` hooks
too. Outside a :func:`call_hook` the wrapper is transparent.

Each answer is recorded with the plugin that gave it, so that the caller can check what a plugin
answered for (its own rules only) while taking the hook's result from pluggy (which wrappers may
have changed).
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any

import attrs
import pluggy

from fsaudit.model.rule import PLUGIN_FAILURES

__all__ = ["HookCall", "HookFailure", "call_hook", "isolate", "isolate_plugin"]


@attrs.frozen
class HookFailure:
    """An implementation of a hook that raised: the plugin and the exception."""

    plugin: str
    error: BaseException


@attrs.define
class HookCall:
    """What one hook call gave: pluggy's result, each answer by plugin, and the failures."""

    result: Any = None
    answers: list[tuple[str, Any]] = attrs.field(factory=list)
    failures: list[HookFailure] = attrs.field(factory=list)
    limit: Any = None
    """An object with ``arm()``/``disarm()`` (the engine's time limit) run around each implementation."""
    skip: frozenset[str] = frozenset()
    """Plugins whose implementation is not called (stopped earlier by the engine's circuit breaker)."""

    def owner_of(self, value: Any) -> str | None:
        """The plugin whose implementation answered ``value`` (by identity), or ``None`` when a
        wrapper made it."""
        return next((plugin for plugin, answer in self.answers if answer is value), None)


_CURRENT: contextvars.ContextVar[HookCall | None] = contextvars.ContextVar("fsaudit_hook_call", default=None)


def isolate(function: Callable[..., Any], plugin: str) -> Callable[..., Any]:
    """``function`` (a hook implementation of ``plugin``) recording its answer or failure in the
    current :func:`call_hook`."""

    @functools.wraps(function)
    def isolated(*args: Any, **kwargs: Any) -> Any:
        call = _CURRENT.get()
        if call is None:
            return function(*args, **kwargs)
        if plugin in call.skip:
            return None
        limit = call.limit
        try:
            if limit is not None:
                limit.arm()
            answer = function(*args, **kwargs)
        except PLUGIN_FAILURES as exc:  # isolation: the failure is this plugin's only
            call.failures.append(HookFailure(plugin, exc))
            return None
        finally:
            if limit is not None:
                limit.disarm()
        if answer is not None:
            call.answers.append((plugin, answer))
        return answer

    isolated.__fsaudit_isolated__ = True  # type: ignore[attr-defined]
    return isolated


def isolate_plugin(pm: pluggy.PluginManager, plugin: object) -> None:
    """Wrap every implementation of ``plugin`` (not its wrappers) with :func:`isolate`."""
    name = pm.get_name(plugin) or repr(plugin)
    for caller in pm.get_hookcallers(plugin) or ():
        for impl in caller.get_hookimpls():
            if impl.plugin is plugin and not (impl.wrapper or impl.hookwrapper):
                if not getattr(impl.function, "__fsaudit_isolated__", False):
                    impl.function = isolate(impl.function, name)  # type: ignore[misc]


def call_hook(
    pm: pluggy.PluginManager, name: str, *, limit: Any = None, skip: frozenset[str] = frozenset(), **kwargs: Any
) -> HookCall:
    """Call the hook ``name`` through pluggy with ``kwargs``; every implementation runs (but those
    of the plugins in ``skip``), each in isolation. An exception of a wrapper is a failure of the
    whole call (``plugin`` ``"*"``)."""
    call = HookCall(limit=limit, skip=skip)
    token = _CURRENT.set(call)
    try:
        call.result = getattr(pm.hook, name)(**kwargs)
    except PLUGIN_FAILURES as exc:  # a wrapper that raised: reported, never propagated
        call.failures.append(HookFailure("*", exc))
    finally:
        _CURRENT.reset(token)
    return call
