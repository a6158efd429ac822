"""presswatch: what the press says about a company and its competitors."""

__version__ = "0.1.0"
