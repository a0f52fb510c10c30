"""Times pabutools on the same votes `miasto bench budget` counts, for docs/performance.md.

Usage: bench.py FILE.pb [FILE.pb ...]   (each counted as approval ballots)
Prints one Markdown row per file and rule; a rule that takes longer than the limit
(PABUTOOLS_LIMIT seconds, default 600) is stopped and shown as "> limit".
"""

import multiprocessing
import os
import sys
import time

LIMIT = float(os.environ.get("PABUTOOLS_LIMIT", "600"))


def count(path: str, rule: str, queue) -> None:
    from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    started = time.perf_counter()
    instance, profile = parse_pabulib(path)
    read = time.perf_counter() - started
    started = time.perf_counter()
    if rule == "greedy":
        out = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes-cost":
        out = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    else:
        out = method_of_equal_shares(instance, profile, sat_class=Cardinality_Sat)
    queue.put((read, time.perf_counter() - started, len(out)))


def main() -> None:
    print("| instance | rule | pabutools read s | pabutools count s | funded |")
    print("|---|---|---:|---:|---:|")
    for path in sys.argv[1:]:
        name = os.path.basename(path)
        for rule in ["greedy", "mes-cost", "mes-approval"]:
            queue = multiprocessing.Queue()
            worker = multiprocessing.Process(target=count, args=(path, rule, queue))
            worker.start()
            worker.join(LIMIT)
            if worker.is_alive():
                worker.kill()
                print(f"| {name} | {rule} | | > {LIMIT:.0f} | |", flush=True)
                continue
            read, seconds, funded = queue.get()
            print(f"| {name} | {rule} | {read:.1f} | {seconds:.2f} | {funded} |", flush=True)


if __name__ == "__main__":
    main()
