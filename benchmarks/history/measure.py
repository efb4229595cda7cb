#!/usr/bin/env python3
"""Times containerbench's reading commands against prepared histories and prints medians as a Markdown table.

Called by benchmarks/history/run.sh, which builds the histories first. Each command runs --repeats times (after
one warm-up run); the median wall time of the whole process is reported, so start-up and connecting count.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def commands(first, second, plots):
    """The reading commands of the issue, each as arguments after the binary."""
    return [
        ("history --limit 20", ["history", "--limit", "20"]),
        ("history --format json --limit 20", ["history", "--format", "json", "--limit", "20"]),
        ("history --metric startup_seconds --service fastapi --driver uv --limit 50",
         ["history", "--metric", "startup_seconds", "--service", "fastapi", "--driver", "uv", "--limit", "50"]),
        ("history --metric memory_peak_bytes (all pairs, newest 100 runs)",
         ["history", "--metric", "memory_peak_bytes", "--limit", "100"]),
        ("plot --metric startup_seconds --service fastapi --driver uv",
         ["plot", "--metric", "startup_seconds", "--service", "fastapi", "--driver", "uv", "--output", plots]),
        ("compare RUN RUN", ["compare", first, second]),
        ("report --run latest --format json", ["report", "--run", "latest", "--format", "json"]),
        ("baseline save (latest completed run)", ["baseline", "save", "bench"]),
    ]


def timed(binary, arguments, location, repeats):
    env = dict(os.environ)
    env.pop("CONTAINERBENCH_HISTORY", None)
    times = []
    for attempt in range(repeats + 1):
        start = time.perf_counter()
        result = subprocess.run([binary] + arguments + ["--history", location], capture_output=True, text=True,
                                env=env)
        elapsed = time.perf_counter() - start
        if result.returncode not in (0, 1, 2):
            raise SystemExit(f"{' '.join(arguments)} failed ({result.returncode}): {result.stderr.strip()}")
        if attempt > 0:
            times.append(elapsed)
    return statistics.median(times)


def newest_two(binary, location):
    result = subprocess.run([binary, "history", "--format", "json", "--limit", "2", "--status", "completed",
                             "--history", location], capture_output=True, text=True, check=True)
    runs = json.loads(result.stdout)["runs"]
    return runs[1]["id"], runs[0]["id"]


def in_process(binary, location, repeats):
    result = subprocess.run([binary, "history", "time", "--repeats", str(repeats), "--history", location],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", required=True)
    parser.add_argument("--sizes", nargs="+", type=int, required=True)
    parser.add_argument("--stores", nargs="+", required=True)
    parser.add_argument("--sqlite", required=True)
    parser.add_argument("--postgresql", default="")
    options = parser.parse_args()
    results = {}
    plots = tempfile.mkdtemp(prefix="cb-history-bench-")
    for store in options.stores:
        for size in options.sizes:
            location = (options.sqlite if store == "sqlite" else options.postgresql).format(size=size)
            first, second = newest_two(options.binary, location)
            for name, arguments in commands(first, second, plots):
                results.setdefault(name, {})[f"{store} {size}"] = timed(options.binary, arguments, location,
                                                                         options.repeats)
            for name, seconds in in_process(options.binary, location, options.repeats).items():
                results.setdefault(f"in run: {name}", {})[f"{store} {size}"] = seconds
            print(f"measured {store} at {size} runs", file=sys.stderr)
    columns = [f"{store} {size}" for store in options.stores for size in options.sizes]
    lines = ["| command | " + " | ".join(f"{c.split()[0]} {int(c.split()[1]):,}" for c in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for name, row in results.items():
        cells = []
        for column in columns:
            seconds = row.get(column)
            cells.append("" if seconds is None else (f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"))
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    table = "\n".join(lines) + "\n"
    with open(os.path.join(options.out, "results.md"), "w") as handle:
        handle.write(table)
    with open(os.path.join(options.out, "results.json"), "w") as handle:
        json.dump(results, handle, indent=2, sort_keys=True)
    print(table)


if __name__ == "__main__":
    main()
