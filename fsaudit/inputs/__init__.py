"""Reading inputs: finding the files (:mod:`~fsaudit.inputs.discover`), reading them safely
(:mod:`~fsaudit.inputs.files`), the reader contract (:mod:`~fsaudit.inputs.reader`) and the
validation every declaration goes through (:mod:`~fsaudit.inputs.validation`,
:mod:`~fsaudit.inputs.converter`)."""
