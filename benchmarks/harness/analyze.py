"""Reads a benchmarks/harness/run.sh output folder and prints the comparison as Markdown.

Definitions (all times on CLOCK_MONOTONIC, shared by host and containers):
- listen: the fixture's own stamp, printed right after listen() (ground truth);
- containerbench: reported = ready (seconds since the create call); true = listen - origin; bias = reported - true;
- competitor: reported = hyperfine's time of one run; true = listen - start, where start is the script's first
  instruction ($EPOCHREALTIME mapped onto the monotonic clock); bias = reported - true (so it includes bash start-up,
  the curl loop's detection lag and process exit: everything the number adds to the real startup).
"""

import json
import re
import statistics
import sys
from pathlib import Path


def cv(values):
    return statistics.stdev(values) / statistics.mean(values) if len(values) > 1 else float("nan")


def ms(value):
    return f"{value * 1000:.1f} ms"


def containerbench_trials(log_path):
    trials = []
    for line in Path(log_path).read_text().splitlines():
        if "trial timeline" not in line:
            continue
        fields = dict(re.findall(r"(\w+)=(\S+)", line))
        stamp = re.search(r"FIXTURE_LISTENING monotonic=(\d+\.\d+)", line)
        if not stamp or fields.get("ready", "-") == "-":
            continue
        trials.append(
            {
                "origin": float(fields["origin"]),
                "ready": float(fields["ready"]),
                "first_tcp": float(fields["first_tcp"]),
                "started": float(fields["started"]),
                "attempts": int(fields["probe_attempts"]),
                "sample_interval": float(fields["sample_interval"]) if fields["sample_interval"] != "-" else None,
                "listen": float(stamp.group(1)),
            }
        )
    return trials


def competitor_runs(stamps_path, hyperfine_path):
    times = json.loads(Path(hyperfine_path).read_text())["results"][0]["times"]
    starts, ends, listens, offsets = [], [], [], []
    for line in Path(stamps_path).read_text().splitlines():
        kind, _, value = line.partition(" ")
        {"start": starts, "end": ends, "listen": listens, "offset": offsets}[kind].append(float(value or "nan"))
    offset = statistics.median(offsets)
    runs = []
    for time, start, end, listen in zip(times, starts, ends, listens):
        runs.append({"time": time, "start": start - offset, "end": end - offset, "listen": listen})
    return runs, (max(offsets) - min(offsets)) if offsets else float("nan")


def cpu_seconds(path):
    user, system, _ = Path(path).read_text().split()[-3:]
    return float(user) + float(system)


def main():
    out, small, large = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    trials = containerbench_trials(out / "cb-large.log")
    runs, offset_spread = competitor_runs(out / "competitor.stamps", out / "hyperfine.json")
    if not trials or not runs:
        sys.exit(f"analyze.py: no usable trials ({len(trials)}) or competitor runs ({len(runs)}) in {out}")

    cb_reported = [t["ready"] for t in trials]
    cb_true = [t["listen"] - t["origin"] for t in trials]
    cb_bias = [r - t for r, t in zip(cb_reported, cb_true)]
    cb_tcp_bias = [t["first_tcp"] + t["origin"] - t["listen"] for t in trials]
    probe_interval = [
        (t["ready"] - t["started"]) / (t["attempts"] - 1) for t in trials if t["attempts"] > 1
    ]
    samplers = [t["sample_interval"] for t in trials if t["sample_interval"]]

    co_reported = [r["time"] for r in runs]
    co_true = [r["listen"] - r["start"] for r in runs]
    co_bias = [r - t for r, t in zip(co_reported, co_true)]
    co_lag = [r["end"] - r["listen"] for r in runs]

    cpu_small, cpu_large = cpu_seconds(out / "cb-small.time"), cpu_seconds(out / "cb-large.time")
    cpu_per_trial = (cpu_large - cpu_small) / (large - small)

    med = statistics.median
    print(f"# Harness benchmark ({len(trials)} containerbench trials, {len(runs)} hyperfine runs)\n")
    print("| | containerbench (ready) | hyperfine + docker run + curl loop | ratio (competitor / containerbench) |")
    print("|---|---|---|---|")
    print(f"| median reported startup | {ms(med(cb_reported))} | {ms(med(co_reported))} | "
          f"{med(co_reported) / med(cb_reported):.2f} |")
    print(f"| median true startup (listen stamp) | {ms(med(cb_true))} | {ms(med(co_true))} | |")
    print(f"| median bias (reported - true) | {ms(med(cb_bias))} | {ms(med(co_bias))} | "
          f"{med(co_bias) / med(cb_bias):.1f} |")
    print(f"| bias range | {ms(min(cb_bias))} .. {ms(max(cb_bias))} | {ms(min(co_bias))} .. {ms(max(co_bias))} | |")
    print(f"| coefficient of variation of reported | {cv(cb_reported) * 100:.1f} % | {cv(co_reported) * 100:.1f} % | "
          f"{cv(co_reported) / cv(cb_reported):.2f} |")
    print(f"| coefficient of variation of true | {cv(cb_true) * 100:.1f} % | {cv(co_true) * 100:.1f} % | |")
    print()
    print(f"- containerbench firstTCP - listen: median {ms(med(cb_tcp_bias))}, max {ms(max(cb_tcp_bias))}")
    print(f"- competitor detection lag (curl 200 seen - listen): median {ms(med(co_lag))}, max {ms(max(co_lag))}")
    if probe_interval:
        print(f"- probe interval achieved: median {ms(med(probe_interval))} (nominal 5 ms)")
    if samplers:
        print(f"- memory sampler interval achieved: median {ms(med(samplers))} (nominal 25 ms)")
    print(f"- harness CPU per trial (user + system, ({large} - {small}) trials differenced): {ms(cpu_per_trial)}; "
          f"whole runs {cpu_small:.2f} s and {cpu_large:.2f} s")
    print(f"- realtime - monotonic offset spread over the competitor runs: {ms(offset_spread)}")


if __name__ == "__main__":
    main()
