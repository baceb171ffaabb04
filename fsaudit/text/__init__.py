"""French text for the auditor: numbers, dates, field names (:mod:`~fsaudit.text.french`) and the
rules' documentation (:mod:`~fsaudit.text.ruledoc`)."""
