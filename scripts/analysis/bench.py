"""The baseline beside `miasto bench analysis`, on the very same 62,000 comments: datasketch's
MinHash LSH for near-duplicates, then scikit-learn's TF-IDF over character 3-5-grams and
MiniBatchKMeans (the fastest scikit-learn clustering that fits 62,000 comments in memory;
agglomerative clustering would need a 62,000² distance matrix), k given.

Usage: bench.py COMMENTS.csv OUR_SECONDS
"""

import csv
import sys
import time

from datasketch import MinHash, MinHashLSH
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer

path, ours = sys.argv[1], float(sys.argv[2])
with open(path, encoding="utf8") as f:
    texts = [r["text"] for r in csv.DictReader(f)]

started = time.perf_counter()
lsh = MinHashLSH(threshold=0.6, num_perm=64)
for i, t in enumerate(texts):
    m = MinHash(num_perm=64)
    s = t.lower()
    m.update_batch([s[j : j + 5].encode("utf8") for j in range(max(1, len(s) - 4))])
    lsh.insert(str(i), m)
    lsh.query(m)
duplicates = time.perf_counter() - started

started = time.perf_counter()
x = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2).fit_transform(texts)
MiniBatchKMeans(n_clusters=12, random_state=0, n_init=1).fit_predict(x)
topics = time.perf_counter() - started

total = duplicates + topics
print(
    f"baseline on {len(texts)} comments: datasketch {duplicates:.1f} s + scikit-learn {topics:.1f} s "
    f"= {total:.1f} s; miasto {ours:.2f} s ({total / ours:.0f}× faster)"
)
