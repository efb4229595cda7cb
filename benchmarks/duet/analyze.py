"""Summarises benchmarks/duet/run.sh: the precision of A/A startup comparisons, interleaved against duet."""

import glob
import json
import math
import os
import statistics
import sys


def main(directory):
    rows = {}
    for design in ("interleaved", "duet"):
        estimates, errors, correlations, medians = [], [], [], []
        for path in sorted(glob.glob(os.path.join(directory, f"{design}-*.json"))):
            with open(path) as handle:
                try:
                    report = json.load(handle)
                except json.JSONDecodeError:
                    continue
            for finding in report.get("findings", []):
                if finding.get("metric") != "startup_seconds":
                    continue
                estimate = (finding.get("confirmation") or {}).get("estimate")
                if not estimate:
                    continue
                estimates.append(estimate["logRatio"])
                errors.append(estimate["standardError"])
                if estimate.get("pairCorrelation") is not None:
                    correlations.append(estimate["pairCorrelation"])
                medians.append(finding["baselineMedian"])
        if len(estimates) >= 2:
            rows[design] = {
                "batches": len(estimates),
                "sd": statistics.stdev(estimates),
                "se": statistics.mean(errors),
                "correlation": statistics.mean(correlations) if correlations else None,
                "median": statistics.median(medians),
            }
    print("| design | batches | SD of ln(B/A) across batches | mean reported SE | pair correlation | median startup |")
    print("|---|---|---|---|---|---|")
    for design, row in rows.items():
        correlation = "-" if row["correlation"] is None else f"{row['correlation']:.2f}"
        print(
            f"| {design} | {row['batches']} | {row['sd']:.4f} | {row['se']:.4f} | {correlation} | "
            f"{row['median'] * 1000:.0f} ms |")
    if "interleaved" in rows and "duet" in rows:
        ratio = rows["duet"]["sd"] / rows["interleaved"]["sd"]
        print(f"\nduet SD / interleaved SD = {ratio:.2f} ({'duet is more precise' if ratio < 0.8 else 'no gain'})")


if __name__ == "__main__":
    main(sys.argv[1])
