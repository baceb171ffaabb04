"""Campaigns: comparing two audit reports (:mod:`~fsaudit.campaign.compare`), for ``fsaudit compare``
and ``--baseline``."""
