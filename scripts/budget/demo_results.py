#!/usr/bin/env python3
"""`miasto budget demo --phase results` reproduces Kraków's official winners.

Builds the demo edition on a fresh SQLite file with every real ballot of the Pabulib files in
data/pabulib/ (86,998 for the default files), each cast through the sealed path, opened with
two of the counting commission's three shares, counted and published. Then starts
`miasto serve`, downloads each pool's anonymised `.pb` from the public results page, and
checks, per pool:

- the ballots in the download are as many as in the source file;
- the winners counted again from the download (`miasto budget count`) are those counted from
  the source file itself: the sealed path changes nothing;
- for Kraków 2024's city-wide pool, they are the projects the city funded (the file's
  `selected` column). Some district files record a tie broken in a way the file does not
  say (Czyżyny 2022: two projects of 40 points); those are reported, not failed;
- the results page marks as many projects funded as were counted.

    scripts/budget/demo_results.py [--bin target/debug/miasto] [--data data/pabulib]

Uses only Python's standard library. Exit status 0 when every pool matches.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

# Mirrors crates/miasto/src/budget_demo.rs: the source file of each pool.
POOLS = {
    "city": "Poland_Krakow_2024.pb",
    "d1": "Poland_Krakow_2025_Stare_Miasto.pb",
    "d5": "Poland_Krakow_2024_Krowodrza.pb",
    "d14": "Poland_Krakow_2022_Czyzyny.pb",
    "d16": "Poland_Krakow_2025_Bienczyce.pb",
    "d18": "Poland_Krakow_2023_Nowa_Huta.pb",
    "d13": "Poland_Krakow_2020_Podgorze.pb",
}


def sections(text):
    """The .pb file's sections as lists of rows (each a dict by column name)."""
    out, name, header = {}, None, None
    for line in text.splitlines():
        line = line.strip()
        if line in ("META", "PROJECTS", "VOTES"):
            name, header = line, None
            out[name] = []
        elif name and header is None:
            header = line.split(";")
        elif name and line:
            out[name].append(dict(zip(header, line.split(";"))))
    return out


def official(path):
    rows = sections(open(path, encoding="utf-8").read())["PROJECTS"]
    return {r["project_id"] for r in rows if r.get("selected", "0").strip() == "1"}


def source_id(code):
    """The demo numbers projects of files that number them 1, 2, … as BO.D13.1/20."""
    m = re.fullmatch(r"BO\.D\d+\.(\d+)/\d+", code)
    return m.group(1) if m else code


def ids(output):
    return {source_id(line.strip()) for line in output.splitlines() if line.strip()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="target/debug/miasto")
    ap.add_argument("--data", default="data/pabulib")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="miasto-demo-results-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIASTO_")}
    env["MIASTO_DATABASE_URL"] = f"sqlite://{work}/demo.db"
    env["MIASTO_FILES_DIR"] = f"{work}/files"
    env["RUST_LOG"] = "warn"
    server = None
    try:
        started = time.monotonic()
        demo = subprocess.run(
            [args.bin, "budget", "demo", "--phase", "results", "--data", args.data],
            env=env, capture_output=True, text=True,
        )
        if demo.returncode != 0:
            sys.exit(f"demo failed:\n{demo.stderr}")
        print(demo.stdout.strip())
        print(f"demo built in {time.monotonic() - started:.0f} s")
        if "sealed ballots opened with the commission's shares" not in demo.stdout:
            sys.exit("the demo did not go through the sealed path")

        log = open(f"{work}/serve.log", "w")
        server = subprocess.Popen(
            [args.bin, "serve", "--bind", "127.0.0.1:0"],
            env=env, stdout=subprocess.PIPE, stderr=log, text=True,
        )
        first = server.stdout.readline()
        m = re.search(r"running at (\S+)", first)
        if not m:
            sys.exit(f"serve did not report its URL: {first!r}")
        url = m.group(1)
        results = urllib.request.urlopen(f"{url}/budget/demo/results").read().decode()

        failures = []
        funded = 0
        for pool, name in POOLS.items():
            source = os.path.join(args.data, name)
            pb = urllib.request.urlopen(f"{url}/budget/demo/results/{pool}.pb").read().decode()
            path = f"{work}/{pool}.pb"
            with open(path, "w", encoding="utf-8") as f:
                f.write(pb)
            votes = len(sections(pb)["VOTES"])
            expected_votes = len(sections(open(source, encoding="utf-8").read())["VOTES"])
            count = subprocess.run(
                [args.bin, "budget", "count", path], env=env, capture_output=True, text=True
            )
            if count.returncode != 0:
                failures.append(f"{pool}: budget count failed: {count.stderr.strip()}")
                continue
            counted = ids(count.stdout)
            # The same count of the source file: the sealed path must change nothing.
            direct = subprocess.run(
                [args.bin, "budget", "count", source], env=env, capture_output=True, text=True
            )
            want = {source_id(i) for i in official(source)}
            same = counted == ids(direct.stdout)
            matches = counted == want
            print(
                f"{pool:5} {name:36} {votes:6} ballots, {len(counted):3} winners; "
                f"{'same as counting the source file' if same else 'DIFFERENT from the source file'}; "
                f"{'= the city' if matches else '≠ the city (a tie the file does not break)'}"
            )
            if votes != expected_votes:
                failures.append(f"{pool}: {votes} ballots downloaded, {expected_votes} in {name}")
            if not same:
                failures.append(f"{pool}: the sealed path changed the winners of {name}")
            if pool == "city" and not matches:
                failures.append(
                    f"{pool}: counted but not funded by the city {sorted(counted - want)}; "
                    f"funded by the city but not counted {sorted(want - counted)}"
                )
            funded += len(counted)
        # The results page says "Tak" (funded) once per funded project.
        funded_rows = results.count("<strong>Tak</strong>")
        if funded_rows != funded:
            failures.append(f"the results page marks {funded_rows} projects funded, the count {funded}")
        if failures:
            sys.exit("\n".join(failures))
        print(f"every pool counted as from its source file; Kraków 2024's winners are the city's ({funded} funded)")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
