"""The model: what a structure declares (:mod:`~fsaudit.model.declaration`), what a rule is and
returns (:mod:`~fsaudit.model.rule`), what an audit finds (:mod:`~fsaudit.model.result`), and the
charter's referentials a rule reads (:mod:`~fsaudit.model.referential`, :mod:`~fsaudit.inputs.overlay`).

Pure data: nothing here reads a file of the user's or runs a rule. Plugins import these types from
the package root (:mod:`fsaudit`), never from here.
"""
