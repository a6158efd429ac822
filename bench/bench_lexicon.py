"""simplemma's dictionaries in a new process: presswatch's saved tries against simplemma's
own in-memory dicts (the peer), CPU time and memory to open every language the lexicon
reads, then to look up and lemmatise the same words.

Each measure runs in a fresh Python process (what a collector, an analysis or a dashboard
process pays once), alternating the two, best of --rounds. The tries are built into a
temporary folder first (once per machine in use: reported apart).

    python -m bench.bench_lexicon --rounds 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time

# Run in the child: open the dictionaries, then time lookups of a fixed word list.
CHILD = """
import json, resource, sys, time
from pathlib import Path
from presswatch.analysis.nlp import lexicon
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import DefaultDictionaryFactory

kind, folder = sys.argv[1], sys.argv[2]
languages = lexicon.COMMON_WORD_LANGUAGES
before = resource.getrusage(resource.RUSAGE_SELF)
rss_before = before.ru_maxrss
started = time.process_time()
if kind == "tries":
    factory = lexicon.dictionary_factory(Path(folder))
else:
    factory = DefaultDictionaryFactory(cache_max_size=len(languages))
for code in languages:
    factory.get_dictionary(code)
opened = time.process_time() - started
rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
words = [w + s for w in ("banque", "lev", "entreprise", "model", "govern", "Stadt", "mistral")
         for s in ("", "s", "e", "es", "er", "ée", "ing", "en", "ion", "ions")] * 200
lemmatizer = Lemmatizer(cache_max_size=0,
                        lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))
started = time.process_time()
found = sum(1 for w in words for code in languages if w in factory.get_dictionary(code))
lemmas = [lemmatizer.lemmatize(w, "fr") for w in words]
looked = time.process_time() - started
print(json.dumps({"open_cpu": opened, "open_mb": rss, "lookup_cpu": looked,
                  "lookups": len(words) * (len(languages) + 1), "found": found,
                  "lemmas": len(set(lemmas))}))
"""


def run_child(kind: str, folder: str) -> dict[str, float]:
    """One fresh process opening the dictionaries as ``kind`` ("tries" or "dicts")."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, folder],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    """Print the table of both ways, ratios first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="presswatch-tries-") as folder:
        started = time.perf_counter()
        run_child("tries", folder)  # builds and saves the tries
        built = time.perf_counter() - started
        runs: dict[str, list[dict[str, float]]] = {"tries": [], "dicts": []}
        for _ in range(args.rounds):
            for kind in runs:
                runs[kind].append(run_child(kind, folder))
    best = {
        kind: {key: min(r[key] for r in rows) for key in rows[0]} for kind, rows in runs.items()
    }
    tries, dicts = best["tries"], best["dicts"]
    assert tries["found"] == dicts["found"] and tries["lemmas"] == dicts["lemmas"]
    print(
        f"tries / dicts: open CPU {tries['open_cpu'] / dicts['open_cpu']:.3f}x, "
        f"open memory {tries['open_mb'] / dicts['open_mb']:.3f}x, "
        f"lookups CPU {tries['lookup_cpu'] / dicts['lookup_cpu']:.2f}x "
        f"(best of {args.rounds}; the same words found and lemmas given)"
    )
    print("| dictionaries | open, CPU s | open, MB | lookups | lookups, CPU s |")
    print("|---|---|---|---|---|")
    for kind, row in best.items():
        print(
            f"| {kind} | {row['open_cpu']:.3f} | {row['open_mb']:.0f} | "
            f"{int(row['lookups']):,} | {row['lookup_cpu']:.3f} |"
        )
    print(f"building and saving the tries once: {built:.1f} s (wall, a process of its own)")


if __name__ == "__main__":
    main()
