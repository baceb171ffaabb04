"""Building the plugin manager and collecting what plugins provide.

Built-in plugins are loaded exactly like third-party ones: from the ``fsaudit`` entry-point
group, each registered under its entry-point name. Nothing here is global: every call to
:func:`get_plugin_manager` builds a fresh manager, so worker processes each build their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata
from typing import Any

import attrs
import pluggy
from attrs import frozen

from fsaudit.inputs.reader import Reader
from fsaudit.plugin import hookspecs
from fsaudit.plugin.calls import call_hook, isolate_plugin

__all__ = [
    "PluginError",
    "PluginInfo",
    "PluginSet",
    "default_plugins",
    "get_plugin_manager",
    "load_plugins",
    "referentials",
    "select_referential",
]

ENTRY_POINT_GROUP = "fsaudit"


@frozen
class PluginError:
    """A plugin that could not be loaded or broke a contract; the message is in French."""

    plugin: str
    message: str


@frozen
class PluginInfo:
    """A loaded plugin: its registered name, distribution and version."""

    name: str
    distribution: str | None
    version: str | None


@frozen
class PluginSet:
    """A plugin manager and what its plugins provide, checked and sorted."""

    manager: pluggy.PluginManager
    plugins: tuple[PluginInfo, ...]
    rules: tuple[Any, ...]  # tuple[Rule, ...], sorted by id
    rule_owner: dict[str, str]
    readers: tuple[Reader, ...]
    reporters: tuple[Any, ...]  # tuple[Reporter, ...], sorted by name
    errors: tuple[PluginError, ...]
    referentials: tuple[Any, ...] = ()  # tuple[Referential, ...], oldest first
    commands: tuple[Any, ...] = ()  # tuple[click.Command, ...], sorted by name
    extension_schemas: Mapping[str, Any] = attrs.field(factory=dict)
    """``{namespace: JSON Schema}`` of the extension facts the plugins read."""

    def rule(self, rule_id: str) -> Any:
        """The rule ``rule_id``, or ``None``."""
        return next((r for r in self.rules if r.id == rule_id), None)

    def reporter(self, name: str) -> Any:
        """The reporter named ``name``, or ``None``."""
        return next((r for r in self.reporters if r.name == name), None)

    def referential_at(self, as_of: Any) -> Any:
        """The referential in force on ``as_of`` among the plugins' (a
        :class:`~fsaudit.model.referential.ReferentialError` when none is)."""
        from fsaudit.model.referential import referential_in_force

        return referential_in_force(as_of, self.referentials)


def _entry_points() -> list[metadata.EntryPoint]:
    return sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)


def installed_plugin_names() -> list[str]:
    """The names of the installed plugins (entry points of the ``fsaudit`` group), sorted."""
    return [ep.name for ep in _entry_points()]


def get_plugin_manager(
    disabled: Iterable[str] = (),
    extra: Sequence[tuple[str, object]] = (),
) -> tuple[pluggy.PluginManager, list[PluginInfo], list[PluginError]]:
    """A new plugin manager with every entry-point plugin but the ``disabled`` ones.

    ``extra`` registers more plugins by ``(name, object)``, as tests and embedding programs do.
    A plugin that fails to import, or declares another API version, is not registered and is
    reported as a :class:`PluginError`.
    """
    disabled = set(disabled)
    pm = pluggy.PluginManager("fsaudit")
    pm.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    errors: list[PluginError] = []
    candidates: list[tuple[str, object, str | None, str | None]] = []
    for ep in _entry_points():
        if ep.name in disabled:
            continue
        dist = ep.dist.name if ep.dist is not None else None
        version = ep.dist.version if ep.dist is not None else None
        try:
            obj = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the audit
            errors.append(PluginError(ep.name, f"chargement impossible ({type(exc).__name__} : {exc})"))
            continue
        candidates.append((ep.name, obj, dist, version))
    for name, obj in extra:
        if name not in disabled:
            candidates.append((name, obj, None, None))
    for name, obj, dist, version in candidates:
        if pm.has_plugin(name):
            errors.append(PluginError(name, "deux plugins portent ce nom ; le second est ignoré"))
            continue
        declared = _declared_api_version(obj)
        if declared is not None and declared not in hookspecs.SUPPORTED_API_VERSIONS:
            supported = " et ".join(repr(v) for v in hookspecs.SUPPORTED_API_VERSIONS)
            errors.append(
                PluginError(
                    name,
                    f"version d'API {declared!r} déclarée par le plugin, "
                    f"fsaudit fournit les versions {supported} : plugin non chargé",
                )
            )
            continue
        try:
            pm.register(obj, name=name)
        except Exception as exc:  # noqa: BLE001
            errors.append(PluginError(name, f"enregistrement impossible ({exc})"))
            continue
        isolate_plugin(pm, obj)
        infos.append(PluginInfo(name, dist, version))
    while True:
        try:
            pm.check_pending()
            break
        except pluggy.PluginValidationError as exc:
            name = pm.get_name(exc.plugin) or repr(exc.plugin)
            pm.unregister(exc.plugin)
            infos = [i for i in infos if i.name != name]
            errors.append(PluginError(name, f"hook inconnu de fsaudit : {exc}"))
    return pm, sorted(infos, key=lambda i: i.name), errors


def _declared_api_version(obj: object) -> str | None:
    func = getattr(obj, "fsaudit_api_version", None)
    if func is None:
        return None
    try:
        return str(func())
    except Exception:  # noqa: BLE001
        return "?"


def _collect(pm: pluggy.PluginManager, hook_name: str) -> list[tuple[str, Any, BaseException | None]]:
    """Call a registration hook through pluggy, each implementation isolated:
    ``(plugin, result, error)`` per implementation, sorted by plugin name."""
    call = call_hook(pm, hook_name)
    out: list[tuple[str, Any, BaseException | None]] = [(plugin, answer, None) for plugin, answer in call.answers]
    out += [(failure.plugin, None, failure.error) for failure in call.failures]
    return sorted(out, key=lambda item: item[0])


def load_plugins(
    disabled: Iterable[str] = (),
    extra: Sequence[tuple[str, object]] = (),
) -> PluginSet:
    """Build a manager and collect, check and sort the rules, readers and reporters."""
    from fsaudit.model.declaration import unknown_fact
    from fsaudit.model.rule import Rule
    from fsaudit.report.reporter import Reporter

    pm, infos, errors = get_plugin_manager(disabled, extra)
    rules: dict[str, Rule] = {}
    owner: dict[str, str] = {}
    for plugin, result, exc in _collect(pm, "fsaudit_rules"):
        if exc is not None:
            errors.append(PluginError(plugin, f"fsaudit_rules a échoué ({type(exc).__name__} : {exc})"))
            continue
        for rule in result or ():
            if not isinstance(rule, Rule):
                errors.append(PluginError(plugin, f"fsaudit_rules a renvoyé autre chose qu'une règle : {rule!r}"))
                continue
            unknown = next(((need, bad) for need in rule.needs if (bad := unknown_fact(need)) is not None), None)
            if unknown is not None:
                # A misspelt need would let the rule run, and fail, on a fact that was not read.
                errors.append(
                    PluginError(
                        plugin,
                        f"la règle {rule.id} déclare un besoin inconnu « {unknown[0]} » (« {unknown[1]} » n'est pas "
                        "un champ de la déclaration) : règle ignorée",
                    )
                )
                continue
            if rule.id in owner:
                errors.append(
                    PluginError(
                        plugin,
                        f"la règle {rule.id} est déclarée par deux plugins : « {owner[rule.id]} » et "
                        f"« {plugin} » ; celle de « {plugin} » est ignorée",
                    )
                )
                continue
            rules[rule.id] = rule
            owner[rule.id] = plugin
    readers: dict[str, Reader] = {}
    for plugin, result, exc in _collect(pm, "fsaudit_readers"):
        if exc is not None:
            errors.append(PluginError(plugin, f"fsaudit_readers a échoué ({type(exc).__name__} : {exc})"))
            continue
        for reader in result or ():
            if not isinstance(reader, Reader) or reader.name in readers:
                errors.append(
                    PluginError(plugin, f"lecteur invalide ou en double : {getattr(reader, 'name', reader)!r}")
                )
                continue
            readers[reader.name] = reader
    reporters: dict[str, Reporter] = {}
    reporter_owner: dict[str, str] = {}
    for plugin, result, exc in _collect(pm, "fsaudit_reporters"):
        if exc is not None:
            errors.append(PluginError(plugin, f"fsaudit_reporters a échoué ({type(exc).__name__} : {exc})"))
            continue
        for reporter in result or ():
            if not isinstance(reporter, Reporter):
                errors.append(PluginError(plugin, f"format de rapport invalide : {reporter!r}"))
                continue
            if reporter.name in reporters:
                errors.append(
                    PluginError(
                        plugin,
                        f"le format « {reporter.name} » est fourni par deux plugins : "
                        f"« {reporter_owner[reporter.name]} » et « {plugin} »",
                    )
                )
                continue
            reporters[reporter.name] = reporter
            reporter_owner[reporter.name] = plugin
    referentials = _collect_referentials(pm, errors)
    commands = _collect_commands(pm, errors)
    extension_schemas = _collect_extension_schemas(pm, errors)
    return PluginSet(
        manager=pm,
        plugins=tuple(infos),
        rules=tuple(rules[k] for k in sorted(rules)),
        rule_owner=owner,
        readers=tuple(sorted(readers.values(), key=lambda r: (-r.priority, r.name))),
        reporters=tuple(reporters[k] for k in sorted(reporters)),
        errors=tuple(errors),
        referentials=referentials,
        commands=commands,
        extension_schemas=extension_schemas,
    )


def _collect_extension_schemas(pm: pluggy.PluginManager, errors: list[PluginError]) -> dict[str, Any]:
    schemas: dict[str, tuple[str, Any]] = {}
    for plugin, result, exc in _collect(pm, "fsaudit_extension_schemas"):
        if exc is not None:
            errors.append(PluginError(plugin, f"fsaudit_extension_schemas a échoué ({type(exc).__name__} : {exc})"))
            continue
        if not isinstance(result, Mapping):
            errors.append(PluginError(plugin, "fsaudit_extension_schemas doit renvoyer {espace de noms: schéma}"))
            continue
        for namespace, schema in sorted(result.items()):
            if namespace in schemas:
                errors.append(
                    PluginError(
                        plugin,
                        f"l'espace de noms d'extension « {namespace} » est déclaré par deux plugins : "
                        f"« {schemas[namespace][0]} » et « {plugin} » ; celui de « {plugin} » est ignoré",
                    )
                )
                continue
            import jsonschema  # only when a plugin declares extension facts

            try:
                jsonschema.Draft202012Validator.check_schema(schema)
            except jsonschema.SchemaError as invalid:
                errors.append(PluginError(plugin, f"schéma d'extension « {namespace} » invalide : {invalid.message}"))
                continue
            schemas[namespace] = (plugin, schema)
    return {namespace: schema for namespace, (_plugin, schema) in sorted(schemas.items())}


def _collect_referentials(pm: pluggy.PluginManager, errors: list[PluginError]) -> tuple[Any, ...]:
    from fsaudit.model.referential import Referential

    found: dict[Any, tuple[str, Referential]] = {}
    for plugin, result, exc in _collect(pm, "fsaudit_referentials"):
        if exc is not None:
            errors.append(PluginError(plugin, f"fsaudit_referentials a échoué ({type(exc).__name__} : {exc})"))
            continue
        for referential in result or ():
            if not isinstance(referential, Referential):
                errors.append(
                    PluginError(
                        plugin, f"fsaudit_referentials a renvoyé autre chose qu'un référentiel : {referential!r}"
                    )
                )
                continue
            if referential.valid_from in found:
                other, first = found[referential.valid_from]
                errors.append(
                    PluginError(
                        plugin,
                        f"le référentiel {referential.id} entre en vigueur le même jour que {first.id} "
                        f"(plugin « {other} ») : il est ignoré",
                    )
                )
                continue
            found[referential.valid_from] = (plugin, referential)
    return tuple(found[date][1] for date in sorted(found))


CORE_COMMANDS = frozenset({"audit", "compare", "rules", "referentials", "referentiel", "plugins"})
"""Sub-commands of the core, which no plugin command may take."""


def _collect_commands(pm: pluggy.PluginManager, errors: list[PluginError]) -> tuple[Any, ...]:
    import click

    commands: dict[str, tuple[str, Any]] = {}
    for plugin, result, exc in _collect(pm, "fsaudit_commands"):
        if exc is not None:
            errors.append(PluginError(plugin, f"fsaudit_commands a échoué ({type(exc).__name__} : {exc})"))
            continue
        for command in result or ():
            if not isinstance(command, click.Command) or not command.name:
                errors.append(
                    PluginError(plugin, f"fsaudit_commands a renvoyé autre chose qu'une commande : {command!r}")
                )
                continue
            if command.name in CORE_COMMANDS or command.name in commands:
                owner = "fsaudit" if command.name in CORE_COMMANDS else commands[command.name][0]
                errors.append(
                    PluginError(plugin, f"la commande « {command.name} » est déjà fournie par « {owner} » : ignorée")
                )
                continue
            commands[command.name] = (plugin, command)
    return tuple(commands[name][1] for name in sorted(commands))


_DEFAULT: list[PluginSet] = []


def default_plugins() -> PluginSet:
    """Every installed plugin, loaded once per process: what the convenience functions below use."""
    if not _DEFAULT:
        _DEFAULT.append(load_plugins())
    return _DEFAULT[0]


def select_referential(as_of: Any, plugins: PluginSet | None = None) -> Any:
    """The referential in force on ``as_of``, among the referentials the installed plugins
    provide (or ``plugins``'): the charter's ``rules/charte-*.json`` for the built-in plugin."""
    return (plugins or default_plugins()).referential_at(as_of)


def referentials(plugins: PluginSet | None = None) -> tuple[Any, ...]:
    """Every referential the installed plugins (or ``plugins``) provide, oldest first."""
    return (plugins or default_plugins()).referentials
