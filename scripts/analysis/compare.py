"""Checks `miasto analyse` against independent implementations (docs/analysis.md):

1. Comments, on labelled sets the binary generates (`miasto analyse generate comments`):
   - near-duplicate groups: pairwise precision >= 0.95 and recall >= 0.9, computed here;
     datasketch's MinHashLSH on the same texts is shown beside them;
   - topic groups: adjusted Rand index (scikit-learn's) at least that of a scikit-learn
     baseline: TF-IDF over character 3-5-grams + agglomerative clustering (cosine, average
     linkage), its distance threshold chosen by silhouette as ours is.
2. Votes: our opinion groups on Pol.is's open data against Pol.is's own groups
   (scikit-learn's ARI >= 0.95), and planted groups recovered (ARI >= 0.9).

Usage: compare.py MIASTO_BINARY POLIS_DATA_DIR [SEEDS]
"""

import csv
import io
import subprocess
import sys
import time

import numpy as np
from datasketch import MinHash, MinHashLSH
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.metrics.pairwise import cosine_distances

binary, polis = sys.argv[1], sys.argv[2]
seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
failures = []


def run(*args):
    out = subprocess.run([binary, *args], check=True, capture_output=True, text=True)
    return out.stdout


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def pairwise(predicted, truth):
    """Precision and recall over pairs; a pair is truly together when both have the same label."""
    from collections import Counter, defaultdict

    by_pred = defaultdict(list)
    for i, p in enumerate(predicted):
        by_pred[p].append(i)
    pred_pairs = correct = 0
    for members in by_pred.values():
        pred_pairs += len(members) * (len(members) - 1) // 2
        c = Counter(truth[i] for i in members if truth[i] is not None)
        correct += sum(n * (n - 1) // 2 for n in c.values())
    sizes = Counter(t for t in truth if t is not None)
    true_pairs = sum(n * (n - 1) // 2 for n in sizes.values())
    return (correct / pred_pairs if pred_pairs else 1.0, correct / true_pairs if true_pairs else 1.0)


def baseline_topics(texts):
    """TF-IDF over character 3-5-grams, then agglomerative clustering (cosine distance,
    average linkage) as scikit-learn's AgglomerativeClustering computes it, cut at the
    distance threshold with the best silhouette."""
    x = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2).fit_transform(texts)
    distances = np.clip(cosine_distances(x), 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    best = None
    every = []
    for threshold in np.arange(0.5, 1.0, 0.05):
        model = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=float(threshold)
        )
        labels = model.fit_predict(distances)
        k = len(set(labels))
        if k < 2 or k >= len(texts):
            continue
        s = silhouette_score(distances, labels, metric="precomputed")
        every.append(labels)
        if best is None or s > best[0]:
            best = (s, threshold, labels)
    return best + (every,)


def baseline_duplicates(texts, threshold):
    lsh = MinHashLSH(threshold=threshold, num_perm=64)
    hashes = []
    for i, t in enumerate(texts):
        m = MinHash(num_perm=64)
        s = "".join(ch.lower() for ch in t)
        for j in range(max(1, len(s) - 4)):
            m.update(s[j : j + 5].encode("utf8"))
        hashes.append(m)
        lsh.insert(str(i), m)
    parent = list(range(len(texts)))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            a, b = find(i), find(int(j))
            if a != b:
                parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(len(texts))]


for seed in range(1, seeds + 1):
    data = rows(run("analyse", "generate", "comments", "--count", "3000", "--seed", str(seed)))
    texts = [r["text"] for r in data]
    campaign = [r["campaign"] or None for r in data]
    topic = [r["topic"] if r["topic"] else f"alone-{i}" for i, r in enumerate(data)]
    with open(f"/tmp/miasto-analysis-{seed}.csv", "w", encoding="utf8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        for r in data:
            w.writerow([r["id"], r["text"]])
    started = time.perf_counter()
    ours = rows(run("analyse", "comments", f"/tmp/miasto-analysis-{seed}.csv", "--format", "assignments"))
    ours_s = time.perf_counter() - started
    assert [r["comment_id"] for r in ours] == [r["id"] for r in data], "assignments in input order"
    p, r = pairwise([o["duplicate_group"] for o in ours], campaign)
    ari = adjusted_rand_score(topic, [o["topic_group"] for o in ours])
    started = time.perf_counter()
    b_dup = baseline_duplicates(texts, 0.6)
    b_dup_s = time.perf_counter() - started
    bp, br = pairwise(b_dup, campaign)
    started = time.perf_counter()
    silhouette, threshold, labels, every = baseline_topics(texts)
    b_s = time.perf_counter() - started
    b_ari = adjusted_rand_score(topic, labels)
    # For information: the baseline's best threshold in hindsight (knowing the labels).
    hindsight = max(adjusted_rand_score(topic, l) for l in every)
    print(
        f"seed {seed}: near-duplicates precision {p:.4f} recall {r:.4f} "
        f"(datasketch {bp:.4f}/{br:.4f}); topics ARI {ari:.4f} vs scikit-learn {b_ari:.4f} "
        f"(threshold {threshold:.2f}, {len(set(labels))} groups; best threshold in hindsight {hindsight:.4f}); "
        f"time ours {ours_s:.2f} s, datasketch {b_dup_s:.2f} s, scikit-learn {b_s:.2f} s"
    )
    if p < 0.95 or r < 0.9:
        failures.append(f"seed {seed}: near-duplicates precision {p:.4f} recall {r:.4f}")
    if ari < b_ari:
        failures.append(f"seed {seed}: topics ARI {ari:.4f} below scikit-learn's {b_ari:.4f}")

# Opinion groups on Pol.is's open data.
bio = f"{polis}/scoop-hivemind.biodiversity"
ours = {r["participant"]: r["group"] for r in rows(run("analyse", "votes", f"{bio}/votes.csv", "--statements", f"{bio}/comments.csv", "--format", "assignments"))}
theirs = {}
with open(f"{bio}/participants-votes.csv", encoding="utf8") as f:
    for r in csv.DictReader(f):
        theirs[r["participant"]] = r["group-id"]
both = [p for p in theirs if theirs[p] != "" and ours.get(p, "") != ""]
missing = [p for p in theirs if theirs[p] != "" and ours.get(p, "") == ""]
ari = adjusted_rand_score([theirs[p] for p in both], [ours[p] for p in both])
print(f"Pol.is open data: {len(both)} participants grouped by both, {len(missing)} only by Pol.is; ARI {ari:.4f}")
if ari < 0.95 or missing:
    failures.append(f"Pol.is open data: ARI {ari:.4f}, {len(missing)} grouped only by Pol.is")

for groups in (2, 3, 4):
    truth_file = f"/tmp/miasto-planted-{groups}.csv"
    votes = run("analyse", "generate", "votes", "--groups", str(groups), "--seed", str(groups), "--truth", truth_file)
    with open(f"/tmp/miasto-planted-votes-{groups}.csv", "w", encoding="utf8") as f:
        f.write(votes)
    ours = {r["participant"]: r["group"] for r in rows(run("analyse", "votes", f"/tmp/miasto-planted-votes-{groups}.csv", "--format", "assignments"))}
    with open(truth_file, encoding="utf8") as f:
        truth = {r["participant"]: r["group"] for r in csv.DictReader(f)}
    both = [p for p in truth if ours.get(p, "") != ""]
    ari = adjusted_rand_score([truth[p] for p in both], [ours[p] for p in both])
    print(f"planted {groups} groups: {len(both)} participants grouped, ARI {ari:.4f}")
    if ari < 0.9:
        failures.append(f"planted {groups} groups: ARI {ari:.4f}")

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("all checks passed")
