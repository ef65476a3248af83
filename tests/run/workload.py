# workload.py: a Python program that allocates as real ones do (dicts, lists, strings, objects,
# JSON), for tests/jobs/run.sh, which runs it on each stage and on the C library's malloc and
# compares what it prints. SIZE (the first argument) scales it.
import json
import sys

size = int(sys.argv[1]) if len(sys.argv) > 1 else 20000


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


table = {f"key{i}": [i, str(i) * (i % 7), {"n": i % 13}] for i in range(size)}
points = [Point(i % 101, i % 37) for i in range(size)]
words = " ".join(f"w{i % 997}" for i in range(size)).split()
counts = {}
for word in words:
    counts[word] = counts.get(word, 0) + 1
text = json.dumps(table, sort_keys=True)
back = json.loads(text)
chunks = [text[i:i + 1000] for i in range(0, len(text), 1000)]
while len(chunks) > 1:  # strings built up and thrown away
    chunks = [a + b for a, b in zip(chunks[::2], chunks[1::2])] + (chunks[-1:] if len(chunks) % 2 else [])
print("entries", len(back), "text", len(text), "joined", len(chunks[0]))
print("points", sum(p.x * p.y for p in points))
print("words", len(counts), max(counts.values()))
print("sorted", sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5])
