"""The plugin contract (:mod:`~fsaudit.plugin.hookspecs`) and the manager that loads every plugin,
the built-in ones included, from the ``fsaudit`` entry-point group (:mod:`~fsaudit.plugin.manager`)."""
