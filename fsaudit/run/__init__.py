"""One audit run: the engine (:mod:`~fsaudit.run.engine`), worker processes
(:mod:`~fsaudit.run.parallel`), and what applies to results before the report: manual answers,
waivers (:mod:`~fsaudit.run.waivers`), baselines (:mod:`~fsaudit.run.baseline`), a second audit
date (:mod:`~fsaudit.run.datecompare`) and pseudonyms (:mod:`~fsaudit.run.privacy`)."""
