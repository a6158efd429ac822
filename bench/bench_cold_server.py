"""The server's part of a cold start, in CPU seconds: the Overview's first script run
beside the bare Streamlit page's (bench_dashboard.FLOOR_PAGE), each in a fresh process.

bench_dashboard's cold start is wall-clock time in a browser, which a shared machine
blurs; this measures what the server spends of it, as CPU time (the process's, every
thread: the overview's queries run in a pool). Each side starts as its server does before
it listens (``dashboard.serve.prepare`` for presswatch, Streamlit's server modules for the
bare page), Streamlit's component discovery (the server's start-up) and usage statistics
off (both servers run with them off), then runs its script once through AppTest and notes
the CPU time from the script's start to its first plotly chart handed to the browser, and
to the end of the run. Ratios first.

    python -m bench.bench_cold_server --articles 2000 --runs 5
    python -m bench.bench_cold_server --articles 2000 --runs 1 --profile /tmp/first.prof
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def first_run(side: str, script: str, profile: str | None) -> dict[str, Any]:
    """In this (fresh) process: prepare as ``side``'s server does, run ``script`` once;
    the CPU seconds to the first chart and to the end of the run, and the modules the run
    imported."""
    if side == "ours":
        import dashboard.serve

        dashboard.serve.prepare()
    else:
        # What `streamlit run` has imported when its server listens.
        import streamlit.web.bootstrap  # noqa: F401
    import cProfile

    from streamlit import config
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext
    from streamlit.testing.v1 import AppTest

    config.set_option("browser.gatherUsageStats", False)
    marks: dict[str, float] = {}
    profiler = cProfile.Profile() if profile else None
    enqueue = ScriptRunContext.enqueue
    run_script = ScriptRunner._run_script

    def noting_enqueue(self: ScriptRunContext, message: ForwardMsg) -> None:
        if (
            "chart" not in marks
            and message.HasField("delta")
            and message.delta.HasField("new_element")
            and message.delta.new_element.WhichOneof("type") == "plotly_chart"
        ):
            marks["chart"] = time.process_time()
            if profiler:
                profiler.disable()
        enqueue(self, message)

    def noting_run_script(self: ScriptRunner, rerun_data: Any) -> None:
        marks["start"] = time.process_time()
        if profiler:
            profiler.enable()
        try:
            run_script(self, rerun_data)
        finally:
            marks["end"] = time.process_time()

    ScriptRunContext.enqueue = noting_enqueue  # type: ignore[method-assign,assignment]
    ScriptRunner._run_script = noting_run_script  # type: ignore[method-assign]
    app = AppTest.from_file(script, default_timeout=300)
    # The server discovers Streamlit's components when it starts, before anyone connects.
    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    app._bidi_component_manager = components
    before = set(sys.modules)
    app.run()
    if app.exception:
        raise RuntimeError(f"{side}'s first run failed: {app.exception}")
    if profiler and profile:
        profiler.dump_stats(profile)
    return {
        "first_chart": marks["chart"] - marks["start"],
        "run": marks["end"] - marks["start"],
        "imported": sorted(set(sys.modules) - before),
    }


def measure(side: str, script: Path, env: dict[str, str], profile: str | None) -> dict[str, Any]:
    """One first run of ``side`` in a fresh interpreter."""
    command = [sys.executable, "-m", "bench.bench_cold_server", "--child", side, str(script)]
    if profile:
        command += ["--profile", profile]
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{side} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    """Run the measurement and print a results block."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--runs", type=int, default=5, help="Fresh processes per side.")
    parser.add_argument("--profile", help="cProfile of the Overview's first run to this file.")
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "SCRIPT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(first_run(args.child[0], args.child[1], args.profile)))
        return
    # Only here: the measured process imports nothing before its server's own start-up.

    from bench.bench_dashboard import generate, write_pages

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        generate(folder / "bench.db", args.articles, args.seed)
        write_pages(folder)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PRESSWATCH_CONFIG": str(folder / "config.yaml"),
        }
        env.pop("PRESSWATCH_DB", None)
        scripts = {"ours": ROOT / "dashboard" / "app.py", "floor": folder / "floor.py"}
        results: dict[str, list[dict[str, Any]]] = {"ours": [], "floor": []}
        if args.profile:
            # A run of its own: the profiler slows what it watches.
            measure("ours", scripts["ours"], env, args.profile)
        load = os.getloadavg()[0]
        for run in range(args.runs):
            # Alternating which goes first: a neighbour's burst weighs on both sides.
            for side in ("floor", "ours") if run % 2 == 0 else ("ours", "floor"):
                results[side].append(measure(side, scripts[side], env, None))
        load_after = os.getloadavg()[0]

    def median(side: str, key: str) -> float:
        return float(statistics.median(r[key] for r in results[side]))

    def values(side: str, key: str) -> str:
        return ", ".join(f"{r[key]:.3f}" for r in results[side])

    print(
        f"first chart, CPU of the first script run, overview / bare page: "
        f"{median('ours', 'first_chart') / median('floor', 'first_chart'):.2f}x "
        f"({median('ours', 'first_chart'):.3f} s / {median('floor', 'first_chart'):.3f} s, "
        f"medians of {args.runs} fresh processes a side)"
    )
    print(
        f"whole first run: {median('ours', 'run') / median('floor', 'run'):.2f}x "
        f"({median('ours', 'run'):.3f} s / {median('floor', 'run'):.3f} s)"
    )
    print(f"overview first chart: {values('ours', 'first_chart')} s; run {values('ours', 'run')} s")
    print(
        f"bare page first chart: {values('floor', 'first_chart')} s; run {values('floor', 'run')} s"
    )
    print(
        f"modules the overview's first run imported: {len(results['ours'][0]['imported'])} "
        f"({', '.join(results['ours'][0]['imported'])})"
    )
    print(f"load average at start / end: {load:.1f} / {load_after:.1f}")


if __name__ == "__main__":
    main()
