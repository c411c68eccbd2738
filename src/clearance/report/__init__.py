"""Reports for people: the batch report (HTML) and the plain-words legal effect of a listing."""

from clearance.report.facts import ListedFacts, listed_facts
from clearance.report.html import write_report
from clearance.report.legal import describe_listing

__all__ = ["ListedFacts", "describe_listing", "listed_facts", "write_report"]
