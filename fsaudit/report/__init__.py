"""Reports: the reporter contract (:mod:`~fsaudit.report.reporter`), the versioned JSON contract
(:mod:`~fsaudit.report.json_contract`), what every format shows beside each structure
(:mod:`~fsaudit.report.view`), and writing a report safely (:mod:`~fsaudit.report.output`)."""
