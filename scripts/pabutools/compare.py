"""Compares `miasto budget count` with pabutools on a real vote and random approval instances.

Wieliczka's Green Budget 2023 is counted with greedy and both equal-shares utilities. For
each seeded random instance (written as a Pabulib file) both count with:
greedy by votes, equal shares with cost and with approval utilities, equal shares with
cost utilities completed by add1 (pabutools: budget increase by one unit per voter, not
stopping at exhaustive outcomes), and equal shares with approval utilities completed by
greedy. Ties are broken by project id on both sides. Exits non-zero on any difference.

Usage: compare.py MIASTO_BINARY [INSTANCES]
"""

import os
import random
import subprocess
import sys
import tempfile

from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
from pabutools.rules import (
    completion_by_rule_combination,
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)


def random_instance(rng: random.Random, path: str) -> None:
    """Writes a random approval election in which every project has a voter."""
    voters = rng.randint(5, 60)
    projects = rng.randint(3, 14)
    costs = [rng.randint(1, 40) * rng.choice([1, 5, 10]) for _ in range(projects)]
    # A whole number of units per voter, so that both add1 variants start from the same share.
    share = max(1, sum(costs) // (voters * rng.randint(2, 4)))
    budget = share * voters
    popularity = [rng.random() ** 2 + 0.05 for _ in range(projects)]
    ballots = []
    for _ in range(voters):
        size = rng.randint(1, min(5, projects))
        chosen = set()
        while len(chosen) < size:
            chosen.add(rng.choices(range(projects), weights=popularity)[0])
        ballots.append(sorted(chosen))
    for p in range(projects):
        if not any(p in b for b in ballots):
            ballots[rng.randrange(voters)].append(p)
    names = [f"p{p:02d}" for p in range(projects)]
    with open(path, "w", encoding="utf-8") as f:
        f.write("META\nkey;value\n")
        f.write(f"budget;{budget}\nvote_type;approval\nnum_projects;{projects}\n")
        f.write(f"num_votes;{voters}\n")
        f.write("PROJECTS\nproject_id;cost\n")
        for name, cost in zip(names, costs):
            f.write(f"{name};{cost}\n")
        f.write("VOTES\nvoter_id;vote\n")
        for i, b in enumerate(ballots):
            f.write(f"{i};{','.join(names[p] for p in sorted(b))}\n")


def pabutools_counts(path: str, rules: list[str]) -> dict[str, list[str]]:
    instance, profile = parse_pabulib(path)
    voters = profile.num_ballots()
    counts = {
        "greedy": lambda: greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat),
        "mes-cost": lambda: method_of_equal_shares(instance, profile, sat_class=Cost_Sat),
        "mes-approval": lambda: method_of_equal_shares(
            instance, profile, sat_class=Cardinality_Sat
        ),
        "mes-cost add1": lambda: exhaustion_by_budget_increase(
            instance,
            profile,
            method_of_equal_shares,
            {"sat_class": Cost_Sat},
            budget_step=voters,
            exhaustive_stop=False,
        ),
        "mes-approval greedy": lambda: completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cardinality_Sat}, {"sat_class": Cost_Sat}],
        ),
    }
    return {rule: sorted(p.name for p in counts[rule]()) for rule in rules}


ALL_RULES = ["greedy", "mes-cost", "mes-approval", "mes-cost add1", "mes-approval greedy"]


def compare(binary: str, path: str, rules: list[str], label: str) -> int:
    """Counts `path` both ways; prints and returns the number of differences."""
    differences = 0
    for rule, theirs in pabutools_counts(path, rules).items():
        mine = ours(binary, path, rule)
        if mine != theirs:
            differences += 1
            print(f"{label}, {rule}: pabutools {theirs}, miasto {mine}")
    return differences


def ours(binary: str, path: str, rule: str) -> list[str]:
    name, *completion = rule.split()
    args = [binary, "budget", "count", path, "--rule", name, "--tie", "id"]
    if completion:
        args += ["--completion", completion[0]]
    run = subprocess.run(args, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {run.stderr}")
    return sorted(run.stdout.split())


def main() -> int:
    binary = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    # A real vote first: Wieliczka's Green Budget 2023 (6,586 approval ballots). Its add1 is
    # checked against the official result by the Rust tests (pabutools' budget increase
    # starts from the exact share, not the whole-unit one).
    real = os.path.join(
        os.path.dirname(__file__), "../../data/pabulib/Poland_Wieliczka_2023_Green_Budget.pb"
    )
    differences = compare(binary, real, ["greedy", "mes-cost", "mes-approval"], "Wieliczka")
    checked = 3
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            path = os.path.join(tmp, f"random-{i}.pb")
            random_instance(rng, path)
            found = compare(binary, path, ALL_RULES, f"random instance {i}")
            checked += len(ALL_RULES)
            if found:
                differences += found
                kept = os.path.join(os.getcwd(), f"pabutools-difference-{i}.pb")
                with open(path, encoding="utf-8") as src, open(kept, "w", encoding="utf-8") as dst:
                    dst.write(src.read())
                print(f"  (instance kept as {kept})")
    print(f"{checked} counts (Wieliczka 2023 and {count} random instances), {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
