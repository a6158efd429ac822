"""The Store: one class composed of a mixin per concern, over StoreBase's engine."""

from __future__ import annotations

from presswatch.store.alerts import AlertsMixin
from presswatch.store.articles import ArticlesMixin
from presswatch.store.corrections import CorrectionsMixin
from presswatch.store.coverage import CoverageMixin
from presswatch.store.exports import ExportsMixin
from presswatch.store.files import FilesMixin
from presswatch.store.frames import FramesMixin
from presswatch.store.listings import ListingsMixin
from presswatch.store.migrations import SchemaMixin
from presswatch.store.queue import AnalysisQueueMixin
from presswatch.store.reviews import ReviewsMixin
from presswatch.store.sources import SourcesMixin


class Store(
    SchemaMixin,
    ArticlesMixin,
    AnalysisQueueMixin,
    CoverageMixin,
    CorrectionsMixin,
    ReviewsMixin,
    SourcesMixin,
    FilesMixin,
    AlertsMixin,
    FramesMixin,
    ListingsMixin,
    ExportsMixin,
):
    """The archive: sources and their state, articles, mentions and people's verdicts on
    them, collection runs, and the figures, lists and exports read from them."""

    def __init__(self, url: str, *, create: bool = True) -> None:
        self.url = url
        self.engine = self._connect(url, create)
        self.migrations_done = self.migrate()
