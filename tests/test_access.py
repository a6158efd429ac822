"""Who may read and who may correct: dashboard.auth with a sign-in proxy's header and with
OpenID Connect (st.login), in Streamlit's AppTest over a real store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import dashboard.access
from presswatch.cli import _check_exposure
from presswatch.collect import collect
from presswatch.config import Config
from presswatch.store import Store
from tests.test_dashboard import APP, TIMEOUT

EDITOR = "lea@example.com"
READER = "bob@team.example.com"
STRANGER = "eve@elsewhere.example"


@pytest.fixture
def guarded(
    write_config: Callable[..., Config], seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., tuple[Config, str]]]:
    def make(auth: dict[str, Any]) -> tuple[Config, str]:
        config = write_config(
            sources=[{"name": "Seeds", "kind": "files", "path": "seeds"}],
            dashboard={"auth": auth},
        )
        url = f"sqlite:///{config.base_dir / 'data' / 'test.db'}"
        with Store(url) as store:
            collect(config, store)
        monkeypatch.setenv("PRESSWATCH_CONFIG", str(config.path))
        monkeypatch.setenv("PRESSWATCH_DB", url)
        return config, url

    yield make


def as_user(monkeypatch: pytest.MonkeyPatch, user: str | None) -> None:
    """The header a sign-in proxy would send (AppTest cannot send request headers)."""
    headers = {"X-Forwarded-User": user} if user else {}
    monkeypatch.setattr(dashboard.access, "request_headers", lambda: headers)


def shows_data(app: AppTest) -> bool:
    return bool(app.metric or app.dataframe or app.get("plotly_chart"))


PROXY = {"mode": "proxy", "readers": ["@team.example.com"], "editors": [EDITOR]}


def test_without_the_proxys_header_nothing_is_shown(
    guarded: Callable[..., tuple[Config, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    guarded(PROXY)
    as_user(monkeypatch, None)
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not app.exception, app.exception
    assert "has no X\\-Forwarded\\-User header" in app.error[0].value  # Markdown, escaped
    assert not shows_data(app)


def test_a_stranger_is_refused(
    guarded: Callable[..., tuple[Config, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    guarded(PROXY)
    as_user(monkeypatch, STRANGER)
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert "may not read this dashboard" in app.error[0].value
    assert not shows_data(app)


def test_an_editor_corrects_under_their_own_name(
    guarded: Callable[..., tuple[Config, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, url = guarded(PROXY)
    as_user(monkeypatch, EDITOR)
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not app.exception, app.exception
    assert shows_data(app)
    assert any("Signed in as lea" in c.value for c in app.sidebar.caption)
    app.switch_page("app_pages/coverage.py").run()
    assert not app.exception, app.exception
    # No name to type: the correction is recorded under the signed-in name.
    assert not [t for t in app.text_input if t.key == "correct_author"]
    app.selectbox(key="correct_company").set_value("Mistral AI")
    app.selectbox(key="correct_label").set_value("negative")
    next(b for b in app.button if b.label == "Save the correction").click().run()
    assert not app.exception, app.exception
    with Store(url) as store:
        (row,) = store.corrections_frame().to_dict("records")
    assert (row["company"], row["label"], row["author"]) == ("Mistral AI", "negative", EDITOR)
    assert [t.key for t in app.toggle] == ["review"]  # and may review mentions


def test_a_reader_reads_but_may_not_correct(
    guarded: Callable[..., tuple[Config, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    guarded(PROXY)
    as_user(monkeypatch, READER)
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not app.exception, app.exception
    assert shows_data(app)
    app.switch_page("app_pages/coverage.py").run()
    assert not app.exception, app.exception
    assert app.dataframe  # the articles are listed
    assert not [b for b in app.button if b.label == "Save the correction"]
    assert not [t for t in app.toggle if t.key == "review"]
    assert any("Only the editors" in c.value for c in app.caption)


def test_oidc_asks_to_sign_in_before_showing_anything(
    guarded: Callable[..., tuple[Config, str]],
) -> None:
    guarded({"mode": "oidc", "provider": "google", "editors": [EDITOR]})
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    # What .streamlit/secrets.toml holds for st.login (no provider is reached in tests).
    app.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "a-long-random-string-for-the-test",
        "google": {
            "client_id": "client",
            "client_secret": "secret",
            "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
        },
    }
    app.run()
    assert not app.exception, app.exception
    assert "Sign in to read this dashboard." in app.info[0].value
    assert [b.label for b in app.button] == ["Sign in"]
    assert not shows_data(app)


def test_oidc_without_its_secrets_says_where_they_go(
    guarded: Callable[..., tuple[Config, str]],
) -> None:
    guarded({"mode": "oidc"})
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert ".streamlit/secrets.toml" in app.error[0].value
    assert not shows_data(app)


def test_serving_beyond_this_machine_without_sign_in_warns(
    write_config: Callable[..., Config], capsys: pytest.CaptureFixture[str]
) -> None:
    _check_exposure(write_config(), "127.0.0.1", 8501)
    assert capsys.readouterr().err == ""
    _check_exposure(write_config(), "0.0.0.0", 8501)
    assert "without sign-in" in capsys.readouterr().err
    proxied = write_config(dashboard={"auth": {"mode": "proxy"}})
    _check_exposure(proxied, "0.0.0.0", 8501)
    assert "can send it" in capsys.readouterr().err
    oidc = write_config(dashboard={"auth": {"mode": "oidc"}})
    _check_exposure(oidc, "0.0.0.0", 8501)
    assert capsys.readouterr().err == ""


def test_readers_and_editors_name_people_and_domains() -> None:
    from pydantic import ValidationError

    from presswatch.config import AuthConfig

    auth = AuthConfig(mode="proxy", readers=["@team.example.com"], editors=["Lea@Example.com"])
    assert auth.may_read(READER) and not auth.may_edit(READER)
    assert auth.may_read(EDITOR) and auth.may_edit(EDITOR)  # an editor reads too
    assert not auth.may_read("mallory@evilteam.example.com")  # a domain is the whole domain
    assert not auth.may_read(STRANGER)
    everyone = AuthConfig(mode="proxy")
    assert everyone.may_read(STRANGER) and everyone.may_edit(STRANGER)
    assert not AuthConfig().enabled  # off by default
    with pytest.raises(ValidationError, match="underscore"):
        AuthConfig(mode="oidc", provider="my_idp")
