"""config.yaml -> a validated Config; every problem reported at once, with its key path."""

from __future__ import annotations

import difflib
import hashlib
import locale
import os
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from presswatch.analysis.query import parse_query
from presswatch.errors import ConfigError

DEFAULT_CONFIG_PATH = Path("config.yaml")
DEFAULT_DATABASE = "data/presswatch.db"
DATABASE_ENV = "PRESSWATCH_DB"
# The longest company, source or topic name the store keeps (its columns' width).
NAME_LIMIT = 200
CONFIG_ENV = "PRESSWATCH_CONFIG"

_DURATION_PART = re.compile(r"(\d+)\s*(d|h|m|s)")
_DURATION_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(value: object) -> timedelta:
    """Parse ``30m``, ``2h``, ``1h30m``, ``1d`` or a number of seconds into a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 30m, 2h or 1d")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if text.isdigit():
            seconds = float(text)
        else:
            parts = _DURATION_PART.findall(text)
            if not parts or "".join(n + u for n, u in parts) != text:
                raise ValueError(f"'{value}' is not a duration: write it as 30m, 2h, 1h30m or 1d")
            seconds = float(sum(int(n) * _DURATION_UNITS[u] for n, u in parts))
    else:
        raise ValueError("expected a duration such as 30m, 2h or 1d")
    if seconds <= 0:
        raise ValueError("a duration must be longer than zero, e.g. 30m")
    return timedelta(seconds=seconds)


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Language = Literal["fr", "en"]
DEFAULT_LANGUAGES: tuple[Language, ...] = ("fr", "en")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class AliasConfig(_Strict):
    """An alias that needs care: context terms that must be near it, or its exact case.

    ``Mistral`` is also a wind and a poet: with ``context: [IA, startup, LLM]`` it counts
    only where one of those terms (or an unambiguous alias of the same company) stands in
    the same sentence or article.
    """

    alias: str = Field(min_length=1)
    context: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    within: Literal["sentence", "article"] = "sentence"
    case_sensitive: bool = False
    # "exact": the text must carry the alias's accents ("Libération", not "liberation");
    # "fold": accents never matter; unset: they matter only where the text's spelling is
    # another word of a dictionary ("über" is not "Uber", "liberation" not "Libération").
    accents: Literal["exact", "fold"] | None = None


def _alias_item(value: object) -> object:
    return {"alias": value} if isinstance(value, str) else value


class CompanyConfig(_Strict):
    """A company to watch: the tracked one (yours) or a competitor."""

    # 200: the width of the store's name columns (PostgreSQL enforces it).
    name: str = Field(min_length=1, max_length=NAME_LIMIT)
    role: Literal["tracked", "competitor"] = "competitor"
    aliases: list[Annotated[AliasConfig, BeforeValidator(_alias_item)]] = Field(
        default_factory=list
    )
    people: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    query: str | None = None

    @field_validator("query")
    @classmethod
    def _check_query(cls, value: str | None) -> str | None:
        if value is not None:
            parse_query(value)  # QuerySyntaxError is a ValueError: pydantic reports it
        return value

    @property
    def all_aliases(self) -> list[AliasConfig]:
        """The name and the aliases, without repeats, in config order.

        The name is an alias like any other: when an alias entry spells the name, its rules
        (case, context, distance) are the name's, not a plain match of the name beside them.
        """
        key = self.name.casefold()
        ruled = next((a for a in self.aliases if a.alias.casefold() == key), None)
        seen: dict[str, AliasConfig] = {key: ruled or AliasConfig(alias=self.name)}
        for alias in self.aliases:
            seen.setdefault(alias.alias.casefold(), alias)
        return list(seen.values())


class _SourceBase(_Strict):
    name: str = Field(min_length=1, max_length=NAME_LIMIT)
    enabled: bool = True
    every: Duration = timedelta(minutes=30)


class FilesSourceConfig(_SourceBase):
    """A folder of clippings: texts, pages, PDFs, exports."""

    kind: Literal["files"]
    path: str = Field(min_length=1)

    @property
    def location(self) -> str:
        """Where the source is: its folder."""
        return self.path

    glob: str = "**/*"
    exclude: list[str] = Field(default_factory=list)
    columns: dict[str, str] = Field(default_factory=dict)
    max_file_mb: int = Field(default=50, gt=0)

    @field_validator("columns")
    @classmethod
    def _check_columns(cls, value: dict[str, str]) -> dict[str, str]:
        known = ("title", "url", "text", "published", "author", "outlet", "language")
        unknown = [k for k in value if k not in known]
        if unknown:
            raise ValueError(
                f"unknown field(s) {', '.join(unknown)}: map columns to {', '.join(known)}"
            )
        return value


class RssSourceConfig(_SourceBase):
    """An RSS, Atom or RDF feed."""

    kind: Literal["rss"]
    url: str
    fulltext: bool = False
    max_feed_mb: int = Field(default=10, gt=0)
    # Let this feed's redirects and full-text links reach loopback, private and link-local
    # addresses (an intranet): refused by default unless the feed is on such an address.
    allow_private_addresses: bool = False

    @property
    def location(self) -> str:
        """Where the source is: its feed URL."""
        return self.url

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"'{value}' is not a feed address: write a full http:// or https:// URL"
            )
        return value


NEWS_EDITIONS = {
    "fr": {"hl": "fr", "gl": "FR", "ceid": "FR:fr"},
    "en": {"hl": "en-US", "gl": "US", "ceid": "US:en"},
}


class NewsSourceConfig(_SourceBase):
    """A news aggregator's search feeds (Google News) for a company's name or a query."""

    kind: Literal["news"]
    company: str | None = None
    query: str | None = None
    editions: list[Language] = Field(default_factory=lambda: list(DEFAULT_LANGUAGES))
    endpoint: str = "https://news.google.com/rss/search"

    @field_validator("endpoint")
    @classmethod
    def _check_endpoint(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"'{value}' is not a search feed address: write a full https:// URL")
        return value

    @property
    def location(self) -> str:
        """Where the source is: the aggregator and the search terms."""
        return f"{self.endpoint} q={self.search_terms()}"

    def search_terms(self) -> str:
        """What the aggregator is asked for: the query, else the company's name in quotes."""
        return self.query or f'"{self.company}"'

    def feed_urls(self) -> list[str]:
        """One search feed URL per edition (language and country)."""
        return [
            f"{self.endpoint}?{urlencode({'q': self.search_terms(), **NEWS_EDITIONS[e]})}"
            for e in self.editions
        ]


SourceConfig = Annotated[
    FilesSourceConfig | RssSourceConfig | NewsSourceConfig, Field(discriminator="kind")
]
SOURCE_KINDS = ("files", "rss", "news")


class ToneConfig(_Strict):
    """Which tone backend scores sentences, and where the trained model lives."""

    backend: Literal["press", "press-tuned", "vader", "embedding"] = "press"
    model: str = "data/tone-model.npz"


class AlertRule(_Strict):
    """One alert rule; ``cooldown`` keeps one event from sending several alerts."""

    kind: Literal["spike", "negative_article", "tier1_article", "source_failing"]
    company: str | None = None
    after: Duration = timedelta(hours=6)
    cooldown: Duration = timedelta(hours=12)


class EmailConfig(_Strict):
    """SMTP delivery; the credentials come from environment variables, never this file."""

    to: list[str] = Field(min_length=1)
    sender: str = Field(min_length=3)
    smtp_host: str = Field(min_length=1)
    smtp_port: int = 587
    starttls: bool = True
    username_env: str | None = None
    password_env: str | None = None


class AlertsConfig(_Strict):
    """Where alerts go and when they fire."""

    webhook_url_env: str | None = None
    # How the webhook's text is escaped: Slack's markup (also Mattermost, Rocket.Chat) or
    # Teams' Markdown and HTML; "auto" reads it from the webhook's host.
    webhook_format: Literal["auto", "slack", "teams"] = "auto"
    email: EmailConfig | None = None
    tier1_outlets: list[str] = Field(default_factory=list)
    rules: list[AlertRule] = Field(default_factory=list)


class DigestConfig(_Strict):
    """The daily press review of the tracked company, as files (and e-mail if configured)."""

    folder: str = "digests"
    email: bool = False


ReportFormat = Literal["pdf", "pptx", "html", "md"]


def _pdf_only() -> list[ReportFormat]:
    return ["pdf"]


class ScheduledReportConfig(_Strict):
    """A report the watcher makes once each week or month has ended (`reports:`), saved in
    a folder and e-mailed with the alerts' SMTP settings when ``email`` is true."""

    every: Literal["week", "month"]
    formats: list[ReportFormat] = Field(default_factory=_pdf_only, min_length=1)
    lang: Literal["en", "fr"] | None = None  # None: the interface_language
    company: str | None = None  # None: every company
    folder: str = "reports"
    email: bool = False


class AuthConfig(_Strict):
    """Who may open the dashboard and who may correct (``dashboard.auth``).

    ``mode``: ``none`` (anyone who reaches the port; for 127.0.0.1), ``oidc`` (OpenID
    Connect sign-in through Streamlit's st.login: Google Workspace, Microsoft Entra or any
    provider, whose client is in .streamlit/secrets.toml where presswatch runs) or ``proxy``
    (a reverse proxy that signs people in and passes who in ``header``). ``readers`` and
    ``editors`` name people (an e-mail or a user name; ``@example.com`` for a whole
    domain): empty readers let anyone signed in read, empty editors let every reader
    correct.
    """

    mode: Literal["none", "oidc", "proxy"] = "none"
    # oidc: the [auth.<provider>] section of secrets.toml; None: the [auth] section itself.
    provider: str | None = None
    header: str = "X-Forwarded-User"
    readers: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    editors: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)

    @field_validator("provider")
    @classmethod
    def _check_provider(cls, value: str | None) -> str | None:
        if value is not None and ("_" in value or not value):
            raise ValueError(
                "a provider's name has no underscore (Streamlit's rule): rename its "
                "[auth.NAME] section and dashboard.auth.provider"
            )
        return value

    @property
    def enabled(self) -> bool:
        """Whether people must sign in."""
        return self.mode != "none"

    def may_read(self, user: str) -> bool:
        """Whether this signed-in person may open the dashboard."""
        return not self.readers or _listed(user, self.readers) or _listed(user, self.editors)

    def may_edit(self, user: str) -> bool:
        """Whether this signed-in person may correct tones and mark mentions."""
        return self.may_read(user) and (not self.editors or _listed(user, self.editors))


def _listed(user: str, people: list[str]) -> bool:
    """Whether ``user`` is one of ``people`` (case aside), or in one of their @domains."""
    name = user.strip().casefold()
    for person in people:
        wanted = person.strip().casefold()
        if name == wanted or (wanted.startswith("@") and name.endswith(wanted)):
            return True
    return False


class DashboardConfig(_Strict):
    """The dashboard's settings: who may open it."""

    auth: AuthConfig = Field(default_factory=AuthConfig)


class Config(_Strict):
    """The whole validated configuration."""

    database: str = DEFAULT_DATABASE
    languages: list[Language] = Field(default_factory=lambda: list(DEFAULT_LANGUAGES))
    interface_language: Literal["en", "fr"] | None = None
    companies: list[CompanyConfig] = Field(min_length=1)
    sources: list[SourceConfig] = Field(default_factory=list)
    topics: dict[
        Annotated[str, Field(min_length=1, max_length=NAME_LIMIT)],
        list[Annotated[str, Field(min_length=1)]],
    ] = Field(default_factory=dict)
    # Key messages: a name and its French and English phrasings ("souveraineté
    # européenne", "European sovereignty"), carried per company like a theme.
    messages: dict[
        Annotated[str, Field(min_length=1, max_length=NAME_LIMIT)],
        list[Annotated[str, Field(min_length=1)]],
    ] = Field(default_factory=dict)
    # Key messages also found by meaning (E5 similarity of the company's clause to a
    # phrasing): true uses the calibrated threshold, a number is the threshold, false (the
    # default: on held-out sentences it finds few paraphrases, training/messages/README.md)
    # finds them by their phrasings' lemmas only.
    message_similarity: bool | Annotated[float, Field(ge=-1.0, le=1.0)] = False
    tone: ToneConfig = Field(default_factory=ToneConfig)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)
    digest: DigestConfig = Field(default_factory=DigestConfig)
    dashboard: DashboardConfig = Field(default_factory=DashboardConfig)
    # How long a collector worker's claim on a source lasts (several workers sharing one
    # PostgreSQL): a worker that dies mid-fetch loses its sources to the others after this.
    lease_seconds: int = Field(default=600, ge=5, le=86_400)
    # No longer used: every view is grouped by the database. Still accepted so
    # that configs written before keep loading.
    aggregate_in_database_above: int | None = Field(default=None, ge=0)
    reports: list[ScheduledReportConfig] = Field(default_factory=list)
    # The IANA time zone the dashboard and the report show times in (Europe/Paris); None:
    # the machine's. Every time shown names its zone.
    timezone: str | None = None

    @field_validator("message_similarity", mode="before")
    @classmethod
    def _check_message_similarity(cls, value: object) -> object:
        # 0 and 1 read as "off" and "on" to a person but as thresholds to a number field:
        # a 0 meant as off would count about half of all clauses as carrying each message.
        if isinstance(value, int) and not isinstance(value, bool):
            raise ValueError(
                f"message_similarity: {value} is ambiguous: write true, false or a"
                " threshold with a decimal point such as 0.43"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone '{value}': give an IANA name such as Europe/Paris or UTC"
            ) from None
        return value

    _path: Path | None = PrivateAttr(default=None)
    _sha256: str = PrivateAttr(default="")

    @property
    def path(self) -> Path | None:
        """The file this config was read from, if any."""
        return self._path

    @property
    def sha256(self) -> str:
        """The SHA-256 of the config file's bytes, to trace an export to its config."""
        return self._sha256

    @property
    def base_dir(self) -> Path:
        """Relative paths in the config are relative to the config file's folder."""
        return self._path.parent if self._path else Path.cwd()

    @property
    def tracked(self) -> list[CompanyConfig]:
        """The companies whose role is ``tracked``."""
        return [c for c in self.companies if c.role == "tracked"]

    def company(self, name: str) -> CompanyConfig | None:
        """The company of that name, or None."""
        return next((c for c in self.companies if c.name == name), None)

    def resolve_path(self, value: str) -> Path:
        """A path from the config, made absolute against the config's folder."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.base_dir / path


def _format_location(loc: tuple[int | str, ...], raw: Any) -> str:
    """Turn pydantic's loc into ``sources[2].url``, naming the item when it has a name."""
    out = ""
    node: Any = raw
    skip_tag = False
    for part in loc:
        if skip_tag:
            skip_tag = False
            if part in SOURCE_KINDS:
                continue
        if isinstance(part, int):
            out += f"[{part}]"
            item = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                out += f" ({item['name']})"
            node = item
            skip_tag = True
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top level)"


def _known_fields(loc: tuple[int | str, ...], raw: Any) -> list[str]:
    """The keys allowed where an unknown key was found, for a did-you-mean hint."""
    parent = loc[:-1]
    if not parent:
        return list(Config.model_fields)
    if parent[0] == "tone":
        return list(ToneConfig.model_fields)
    if parent[0] == "alerts":
        if "rules" in parent:
            return list(AlertRule.model_fields)
        if "email" in parent:
            return list(EmailConfig.model_fields)
        return list(AlertsConfig.model_fields)
    if parent[0] == "digest":
        return list(DigestConfig.model_fields)
    if parent[0] == "reports":
        return list(ScheduledReportConfig.model_fields)
    if parent[0] == "companies":
        if "aliases" in parent:
            return list(AliasConfig.model_fields)
        return list(CompanyConfig.model_fields)
    if parent[0] == "sources":
        kind = None
        if len(parent) >= 2 and isinstance(parent[1], int):
            items = raw.get("sources") if isinstance(raw, dict) else None
            if isinstance(items, list) and parent[1] < len(items):
                item = items[parent[1]]
                kind = item.get("kind") if isinstance(item, dict) else None
        models: dict[str, type[BaseModel]] = {"rss": RssSourceConfig, "news": NewsSourceConfig}
        return list(models.get(str(kind), FilesSourceConfig).model_fields)
    return []


def _describe_error(error: Any, raw: Any) -> str:
    loc = tuple(error["loc"])
    where = _format_location(loc, raw)
    kind = error["type"]
    if kind == "extra_forbidden":
        known = _known_fields(loc, raw)
        hint = difflib.get_close_matches(str(loc[-1]), known, n=1)
        fix = f"did you mean '{hint[0]}'?" if hint else f"known keys: {', '.join(known)}"
        return f"{where}: unknown key; {fix}"
    if kind == "missing":
        return f"{where}: required key is missing"
    if kind == "union_tag_invalid":
        return f"{where}.kind: unknown source kind; use one of: {', '.join(SOURCE_KINDS)}"
    if kind == "union_tag_not_found":
        return f"{where}: no 'kind'; add kind: {' or kind: '.join(SOURCE_KINDS)}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        message = message.replace("Input should be", "must be")
    return f"{where}: {message}"


def _duplicate_names(raw: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for section in ("companies", "sources"):
        items = raw.get(section)
        if not isinstance(items, list):
            continue
        names = [i.get("name") for i in items if isinstance(i, dict) and i.get("name")]
        for name, count in Counter(names).items():
            if count > 1:
                problems.append(
                    f"{section}: the name '{name}' is used {count} times; names must be unique"
                )
    companies = raw.get("companies")
    if isinstance(companies, list):
        owners: dict[str, str] = {}
        for company in companies:
            if not isinstance(company, dict) or not isinstance(company.get("name"), str):
                continue
            aliases = company.get("aliases") or []
            if not isinstance(aliases, list):
                continue
            terms = [company["name"]]
            for alias in aliases:
                if isinstance(alias, dict):
                    alias = alias.get("alias")
                if isinstance(alias, str):
                    terms.append(alias)
            for term in terms:
                key = term.strip().casefold()
                other = owners.setdefault(key, company["name"])
                if other != company["name"]:
                    problems.append(
                        f"companies ({company['name']}): the alias '{term}' also belongs to "
                        f"'{other}'; a mention must count for one company"
                    )
        if companies and not any(
            isinstance(c, dict) and c.get("role") == "tracked" for c in companies
        ):
            problems.append(
                "companies: no company has role: tracked; mark the company you work for"
            )
        problems.extend(_news_source_problems(raw, companies))
    return problems


def _news_source_problems(raw: dict[str, Any], companies: list[Any]) -> list[str]:
    """A news source names a configured company or gives a query, not both."""
    problems = []
    names = {c.get("name") for c in companies if isinstance(c, dict)}
    sources = raw.get("sources")
    for index, source in enumerate(sources if isinstance(sources, list) else []):
        if not isinstance(source, dict) or source.get("kind") != "news":
            continue
        label = f"sources[{index}] ({source.get('name')})"
        company, query = source.get("company"), source.get("query")
        if bool(company) == bool(query):
            problems.append(f"{label}: give either company: NAME or query: TERMS")
        elif company and company not in names:
            problems.append(f"{label}.company: no company named '{company}' in companies")
    return problems


def parse_config(raw: object, source: str = "config") -> Config:
    """Validate an already-parsed YAML document; raise ConfigError listing every problem."""
    if raw is None:
        raise ConfigError(source, ["the file is empty; start from the config.yaml in the README"])
    if not isinstance(raw, dict):
        raise ConfigError(
            source, ["the top level must be a mapping of keys (database, companies, ...)"]
        )
    problems: list[str] = []
    config: Config | None = None
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_describe_error(e, raw) for e in exc.errors())
    problems.extend(_duplicate_names(raw))
    if problems or config is None:
        raise ConfigError(source, problems)
    return config


# PyYAML's problems (its parser's words) and what they mean for a person editing the file.
_YAML_PROBLEMS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"expected <block end>, but found '<block sequence start>'"),
        "a list item is not indented like the others before it; line the '-' up with them",
    ),
    (
        re.compile(r"expected <block end>, but found '<block mapping start>'"),
        "a key is not indented like the keys before it; line it up with them",
    ),
    (
        re.compile(r"expected <block end>, but found '<scalar>'"),
        "more text after a value in quotes; put the whole value in the quotes",
    ),
    (
        re.compile(r"expected <block end>"),
        "this line is not indented like the lines before it",
    ),
    (
        re.compile(r"mapping values are not allowed here"),
        "a ':' where no key can start; a value holding ': ' goes in quotes, and a key "
        "under another is indented by more spaces",
    ),
    (
        re.compile(r"found character '\\t' that cannot start any token"),
        "a tab; indent with spaces only",
    ),
    (
        re.compile(r"found character '(.)' that cannot start any token"),
        "a value cannot start with '{0}'; put the value in quotes",
    ),
    (
        re.compile(r"found unexpected end of stream"),
        "a quote is opened and never closed; close it at the end of its value",
    ),
    (
        re.compile(r"found unknown escape character '(.+)'"),
        "'\\{0}' is not an escape in double quotes; use single quotes, or write '\\\\'",
    ),
    (
        re.compile(r"expected ',' or '\]'"),
        "a list in [brackets] is not closed with ']', or two of its items lack a comma",
    ),
    (
        re.compile(r"expected ',' or '\}'"),
        "a mapping in {{braces}} is not closed with '}}', or two of its items lack a comma",
    ),
    (
        re.compile(r"found undefined alias '(.+)'"),
        "'*{0}' names no anchor '&{0}'; put a value starting with '*' in quotes",
    ),
    (
        re.compile(r"could not find expected ':'"),
        "a key without ':' after it, or a line that goes on without being indented",
    ),
    (
        re.compile(r"did not find expected key"),
        "a line is not indented like the keys around it",
    ),
    (
        re.compile(r"did not find expected '-' indicator"),
        "a list item is not indented like the others before it; line the '-' up with them",
    ),
    (
        re.compile(r"found unhashable key"),
        "a key must be plain text, not a list or a mapping",
    ),
]


def yaml_problem(exc: yaml.YAMLError, file_name: str, text: str) -> str:
    """A YAML syntax error as ``config.yaml, line 12, column 5: what is wrong, and the fix``.

    PyYAML's own words are kept after the plain ones, for an error the table misses.
    """
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        character = exc.character
        code = f"U+{character if isinstance(character, int) else ord(character):04X}"
        words = f"a control character ({code}) that YAML does not allow; delete it"
        return f"{file_name}, line {line}, column {column}: {words}"
    mark = getattr(exc, "problem_mark", None)
    problem = str(getattr(exc, "problem", None) or exc)
    where = f"{file_name}, line {mark.line + 1}, column {mark.column + 1}" if mark else file_name
    for pattern, words in _YAML_PROBLEMS:
        found = pattern.search(problem)
        if found:
            context = getattr(exc, "context_mark", None)
            started = (
                f" (the block or value started on line {context.line + 1})"
                if context is not None and mark is not None and context.line != mark.line
                else ""
            )
            return f"{where}: {words.format(*found.groups())}{started}"
    return f"{where}: not valid YAML ({problem})"


# libyaml's parser where PyYAML was built with it (its wheels are): the same documents and
# values as the pure-Python SafeLoader, read several times faster. Every command and the
# dashboard read the config.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)


def read_yaml(text: str) -> Any:
    """yaml.safe_load, through libyaml where there is one. A document it refuses is read
    again by the pure-Python loader, whose error (ReaderError positions, marks) is the one
    yaml_problem words. A document with a tab is read by the pure-Python loader only:
    libyaml accepts tabs where it refuses them ("a: 1<tab>"), and a config must not be
    valid on one machine and refused on another."""
    if _FAST_LOADER is not None and "\t" not in text:
        try:
            return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 (libyaml's SafeLoader)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read and validate a config file (default: $PRESSWATCH_CONFIG or ./config.yaml)."""
    chosen = Path(path) if path else Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_PATH)
    try:
        data = chosen.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            str(chosen),
            ["file not found; pass --config PATH or copy the config.yaml of the README"],
        ) from None
    except OSError as exc:
        raise ConfigError(str(chosen), [f"cannot be read: {exc.strerror}"]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(str(chosen), ["is not UTF-8 text; save it as UTF-8"]) from None
    try:
        raw = read_yaml(text)
    except yaml.YAMLError as exc:
        raise ConfigError(str(chosen), [yaml_problem(exc, chosen.name, text)]) from None
    config = parse_config(raw, str(chosen))
    config._path = chosen.resolve()
    config._sha256 = hashlib.sha256(data).hexdigest()
    return config


def database_url(config: Config | None, override: str | None = None) -> str:
    """The SQLAlchemy URL to use: --db, else $PRESSWATCH_DB, else the config's ``database``.

    A plain path becomes a SQLite URL; a relative one is relative to the config's folder
    (or the current folder for --db and the environment variable).
    """
    value = override or os.environ.get(DATABASE_ENV)
    base = Path.cwd()
    if not value:
        value = config.database if config else DEFAULT_DATABASE
        base = config.base_dir if config else base
    if "://" in value:
        return value
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = base / path
    return f"sqlite:///{path}"


def interface_language(config: Config | None) -> str:
    """'fr' or 'en': the config's interface_language, else the system locale (the
    dashboard's and the report's rule)."""
    if config is not None and config.interface_language:
        return config.interface_language
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    code = locale.getlocale()[0] or ""
    return "fr" if code.lower().startswith("fr") else "en"
