"""One error hierarchy: every message names the thing at fault and the fix."""

from __future__ import annotations


class PresswatchError(Exception):
    """Base of every error presswatch raises on purpose."""


class ConfigError(PresswatchError):
    """The configuration is invalid; ``problems`` lists every problem with its key path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        count = len(problems)
        summary = f"{source}: {count} problem{'s' if count != 1 else ''} in the configuration"
        super().__init__(summary + "".join(f"\n  - {p}" for p in problems))


class SourceError(PresswatchError):
    """A source (feed, folder, file) could not be collected."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}")


class StoreError(PresswatchError):
    """The database could not be opened, migrated, read or written."""


class QueryError(PresswatchError, ValueError):
    """A boolean query or a search that cannot be run, in words a person understands.

    Also a ValueError: pydantic reports a ValueError raised by a validator (a company's
    query in config.yaml) as a problem of the configuration.
    """
