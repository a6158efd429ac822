"""Alerts with their delivery state, and the collection runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa

from presswatch.store.base import StoreBase, _now
from presswatch.store.schema import alerts_table, runs_table


class AlertsMixin(StoreBase):
    """Alerts (never lost silently) and collection runs."""

    # -- alerts -------------------------------------------------------------------------

    def last_alert_at(self, rule: str, subject: str) -> datetime | None:
        """When an alert of this rule about this subject was last raised."""
        with self._begin() as conn:
            value = conn.execute(
                sa.select(sa.func.max(alerts_table.c.created_at)).where(
                    alerts_table.c.rule == rule, alerts_table.c.subject == subject
                )
            ).scalar_one_or_none()
        if isinstance(value, str):  # SQLite's max() of a DateTime column comes back as text
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    def add_alert(self, rule: str, subject: str, title: str, body: str, links: list[str]) -> int:
        """Record a new alert, pending delivery."""
        with self._begin() as conn:
            result = conn.execute(
                sa.insert(alerts_table).values(
                    rule=rule,
                    subject=subject,
                    title=title,
                    body=body,
                    links=json.dumps(links),
                    created_at=_now(),
                    state="pending",
                    attempts=0,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def pending_alerts(self) -> list[dict[str, Any]]:
        """Alerts not delivered yet, oldest first."""
        with self._begin() as conn:
            rows = conn.execute(
                sa.select(alerts_table)
                .where(alerts_table.c.state == "pending")
                .order_by(alerts_table.c.id)
            ).mappings()
            return [dict(r) for r in rows]

    def mark_alert(self, alert_id: int, state: str, attempts: int, error: str | None) -> None:
        """Record how a delivery went: sent, or failed with the error."""
        with self._begin() as conn:
            conn.execute(
                sa.update(alerts_table)
                .where(alerts_table.c.id == alert_id)
                .values(
                    state=state,
                    attempts=attempts,
                    last_error=error,
                    sent_at=_now() if state == "sent" else None,
                )
            )

    def alerts_frame(self) -> pd.DataFrame:
        """Every alert and its delivery state."""
        return self.read_frame(sa.select(alerts_table).order_by(alerts_table.c.id))

    # -- runs -------------------------------------------------------------------------

    def start_run(self) -> int:
        """Record the start of a collection run; return its id."""
        with self._begin() as conn:
            result = conn.execute(sa.insert(runs_table).values(started_at=_now(), errors="[]"))
            key = result.inserted_primary_key
            assert key is not None
            return int(key[0])

    def finish_run(
        self,
        run_id: int,
        *,
        sources_ok: int,
        sources_failed: int,
        articles_new: int,
        articles_updated: int,
        errors: list[str],
    ) -> None:
        """Record the end of a collection run with its counts and errors."""
        with self._begin() as conn:
            conn.execute(
                sa.update(runs_table)
                .where(runs_table.c.id == run_id)
                .values(
                    finished_at=_now(),
                    sources_ok=sources_ok,
                    sources_failed=sources_failed,
                    articles_new=articles_new,
                    articles_updated=articles_updated,
                    errors=json.dumps(errors, ensure_ascii=False),
                )
            )

    def runs_frame(self, limit: int = 50) -> pd.DataFrame:
        """The latest collection runs, newest first."""
        return self.read_frame(sa.select(runs_table).order_by(runs_table.c.id.desc()).limit(limit))
