"""The Overview's first load draws its first chart, then the rest of the page.

A browser draws a page's elements in the order they arrive, and on a new session it works
on the whole Overview (cards, timeline, tone chart, share chart, table) before the
timeline shows. On the first Overview of a browser session, the part below the timeline
waits in a fragment: the run sends the cards and the timeline, then a custom component
whose script (a constant, given no data) waits until the timeline's plotly chart has
painted and asks for the fragment's rerun, which draws the rest.

A session whose browser never runs that script (blocked, failing) is not left truncated:
a nested fragment reruns the whole page after ``FALLBACK_SECONDS``, drawn whole from then
on. Runs without a browser (AppTest, the tests, the bench's element reading) draw the
whole page at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import streamlit as st
import streamlit.components.v2

# Set in a session once its Overview has been drawn whole: no later run waits.
WHOLE_KEY = "overview_drawn_whole"
COMPONENT_KEY = "first_chart_painted"
# Set by the fallback's first call: its next call is the timer's, the browser silent.
FALLBACK_STARTED_KEY = "first_chart_fallback_started"
# Past this, the rest of the page is drawn whether or not the browser said so. The
# browser test sets it far off, so that only the script can complete its page.
FALLBACK_SECONDS = float(os.environ.get("PRESSWATCH_FIRST_CHART_FALLBACK_SECONDS", "5"))

# The script: trusted, constant, given no data, reading nothing from the page but whether
# a plotly chart has drawn its traces. It waits for two animation frames after that (the
# paint), or at most MAX_WAIT_MS (a hidden tab gets no frames), then asks for the rerun.
PAINTED_SCRIPT = """
const MAX_WAIT_MS = 3000;
const DRAWN = "[data-testid=stPlotlyChart] .main-svg .trace, "
    + "[data-testid=stPlotlyChart] .gl-container canvas";
export default function (component) {
  const { setTriggerValue } = component;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    observer.disconnect();
    clearTimeout(timer);
    setTriggerValue("painted", true);
  };
  const afterPaint = () => requestAnimationFrame(() => requestAnimationFrame(finish));
  const observer = new MutationObserver(() => {
    if (document.querySelector(DRAWN)) {
      observer.disconnect();
      afterPaint();
    }
  });
  const timer = setTimeout(finish, MAX_WAIT_MS);
  if (document.querySelector(DRAWN)) {
    afterPaint();
  } else {
    observer.observe(document.body, { childList: true, subtree: true });
  }
  return () => {
    done = true;
    observer.disconnect();
    clearTimeout(timer);
  };
}
"""

_painted = streamlit.components.v2.component("presswatch_first_chart", js=PAINTED_SCRIPT)


def browser_connected() -> bool:
    """Whether this run serves a browser (a websocket's request), not AppTest."""
    return bool(st.context.headers)


def _mark_whole() -> None:
    """Remember that this session's Overview is drawn whole from now on."""
    st.session_state[WHOLE_KEY] = True


@st.fragment(run_every=FALLBACK_SECONDS)
def _fallback() -> None:
    """Rerun the whole page once FALLBACK_SECONDS have passed without the browser's word
    (the first call, in the run that defers, only starts the timer)."""
    if st.session_state.get(FALLBACK_STARTED_KEY):
        _mark_whole()
        st.rerun(scope="app")
    st.session_state[FALLBACK_STARTED_KEY] = True


@st.fragment
def _below_first_chart(draw: Callable[[], None]) -> None:
    """The rest of the page, once the browser has painted the first chart."""
    if st.session_state.get(WHOLE_KEY):
        draw()
        return
    _painted(key=COMPONENT_KEY, on_painted_change=_mark_whole)
    _fallback()


def after_first_chart(draw: Callable[[], None]) -> None:
    """Call ``draw`` (the page below its first chart) now, or, on the first Overview of a
    browser session, once the browser has painted the first chart."""
    if st.session_state.get(WHOLE_KEY) or not browser_connected():
        st.session_state[WHOLE_KEY] = True
        draw()
        return
    st.session_state.pop(FALLBACK_STARTED_KEY, None)
    _below_first_chart(draw)
