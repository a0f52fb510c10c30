"""Raking against an independent implementation: random survey tables (districts x age
bands x sex, some cells empty, every category with responses) and random population
margins; `miasto consult weigh` and the `ipfn` package must give the same weight per cell
(to 1e-6, relative), and the weighted table must meet every margin.

Usage: compare.py MIASTO_BINARY TABLES
"""

import contextlib
import csv
import io
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from ipfn import ipfn

AGES = ["18-24", "25-34", "35-44", "45-59", "60-74", "75-plus"]
SEXES = ["female", "male"]


def table(rng):
    districts = [str(n) for n in range(1, rng.randint(2, 6) + 1)]
    ages = AGES[: rng.randint(2, len(AGES))]
    sexes = SEXES
    while True:
        counts = np.zeros((len(districts), len(ages), len(sexes)))
        for i in range(len(districts)):
            for j in range(len(ages)):
                for k in range(len(sexes)):
                    # About one cell in six empty: structural zeros ipfn keeps too.
                    if rng.random() > 0.17:
                        counts[i, j, k] = rng.randint(1, 60)
        # Every category must have responses (otherwise its part is shared out, which ipfn
        # does not do).
        if all(counts.sum(axis=(1, 2)) > 0) and all(counts.sum(axis=(0, 2)) > 0) and all(
            counts.sum(axis=(0, 1)) > 0
        ):
            return districts, ages, sexes, counts


def margins(rng, names):
    return {name: float(rng.randint(500, 90_000)) for name in names}


def main():
    binary, tables = sys.argv[1], int(sys.argv[2])
    rng = random.Random(20261207)
    checked = 0
    unconverged = 0
    with tempfile.TemporaryDirectory() as tmp:
        for t in range(tables):
            districts, ages, sexes, counts = table(rng)
            m = {
                "district": margins(rng, districts),
                "age": margins(rng, ages),
                "sex": margins(rng, sexes),
            }
            cells = Path(tmp) / "cells.csv"
            with cells.open("w", newline="") as f:
                w = csv.writer(f)
                w.writerow(["district", "age", "sex", "count"])
                for i, d in enumerate(districts):
                    for j, a in enumerate(ages):
                        for k, s in enumerate(sexes):
                            if counts[i, j, k] > 0:
                                w.writerow([d, a, s, int(counts[i, j, k])])
                # Responses without a sex: left out by both.
                w.writerow([districts[0], ages[0], "", 7])
            margins_file = Path(tmp) / "margins.json"
            margins_file.write_text(json.dumps(m))
            run = subprocess.run(
                [binary, "consult", "weigh", str(cells), str(margins_file)],
                capture_output=True,
                text=True,
                check=True,
            )
            ours = {}
            for row in csv.DictReader(io.StringIO(run.stdout)):
                ours[(row["district"], row["age"], row["sex"])] = float(row["weight"])
            n = counts.sum()
            aggregates = []
            for dim, names in (("district", districts), ("age", ages), ("sex", sexes)):
                total = sum(m[dim].values())
                aggregates.append(np.array([m[dim][x] / total * n for x in names]))
            with contextlib.redirect_stdout(io.StringIO()):  # ipfn prints as it goes
                fitted = ipfn.ipfn(
                    counts.copy(),
                    aggregates,
                    [[0], [1], [2]],
                    convergence_rate=1e-13,
                    max_iteration=20_000,
                    rate_tolerance=0,
                ).iteration()
            if "NOT converged" in run.stderr:
                # Empty cells can leave no table that meets every margin: then ipfn cannot
                # meet them either, and the page says the weighting is approximate.
                unconverged += 1
                meets = all(
                    np.allclose(fitted.sum(axis=axis), agg, rtol=1e-6)
                    for axis, agg in zip(((1, 2), (0, 2), (0, 1)), aggregates)
                )
                assert not meets, f"table {t}: ipfn fits it, miasto did not: {run.stderr}"
                continue
            for i, d in enumerate(districts):
                for j, a in enumerate(ages):
                    for k, s in enumerate(sexes):
                        if counts[i, j, k] == 0:
                            assert (d, a, s) not in ours, (t, d, a, s)
                            continue
                        theirs = fitted[i, j, k] / counts[i, j, k]
                        mine = ours[(d, a, s)]
                        assert abs(mine - theirs) <= 1e-6 * max(1.0, abs(theirs)), (
                            f"table {t}, cell {d}/{a}/{s}: miasto {mine}, ipfn {theirs}"
                        )
                        checked += 1
            # The weighted table meets every margin.
            weighted = np.zeros_like(counts)
            for i, d in enumerate(districts):
                for j, a in enumerate(ages):
                    for k, s in enumerate(sexes):
                        weighted[i, j, k] = counts[i, j, k] * ours.get((d, a, s), 0.0)
            for axis, agg in zip(((1, 2), (0, 2), (0, 1)), aggregates):
                assert np.allclose(weighted.sum(axis=axis), agg, rtol=1e-6), (t, axis)
            assert "left out 7" in run.stderr, run.stderr
    assert unconverged < tables // 4, f"{unconverged} of {tables} have no exact fit"
    print(
        f"weighting: {tables - unconverged} tables, {checked} cell weights equal to ipfn's; "
        f"{unconverged} without an exact fit for either"
    )


if __name__ == "__main__":
    main()
