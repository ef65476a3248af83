"""make bench, step 9: the capstone's goal, read from one replay's JSON (build/replay --save-json),
and from warm replays (build/stages/NAME --warm: harness/warm.h), a file per allocator.

    python3 tests/bench/capstone_goal.py SUITE.json CAPSTONE [WARM.txt ...]

Over every trace of the run (the bundled ones, synthetic and real, and the classic ones): each
stage's speed against the C library as the geometric mean of its traces' paired ratios (as the
tables give it), and its mean utilization. The goal: the capstone at least as fast as mimalloc,
with utilization at least that of bins and of the C library, on the same traces.

The replay's speed is cold (each replay a fresh process: first touches of pages count); the
warm files give the same ratio for replays in a warmed process (the best of later passes), and
the geometric mean of nanoseconds per operation. The goal is weighed both ways.
"""
import json
import math
import sys


def figures(run):
    traces = [t for t in run["traces"] if t["correct"]]
    ratios = [t["speed_vs_libc"] for t in traces if t["timed"] and t["speed_vs_libc"] > 0]
    speed = math.exp(sum(math.log(r) for r in ratios) / len(ratios)) if ratios else 0.0
    utilization = sum(t["utilization"] for t in traces) / len(traces) if traces else 0.0
    return len(traces), len(run["traces"]), speed, utilization


def geometric_mean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else 0.0


def read_warm(path):
    """A warm file's allocator (its name: warm-NAME.txt) and its per-trace (ns, libc ns)."""
    name = path.rsplit("/", 1)[-1].removeprefix("warm-").removesuffix(".txt")
    rows = {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            fields = line.split()
            if len(fields) == 6 and fields[1] != "failed:":
                try:
                    rows[fields[0]] = (float(fields[3]), float(fields[5]))
                except ValueError:
                    sys.exit(f"{path}:{number}: not a warm replay's line: {line.strip()}")
    return name, rows


def weigh_warm(paths, capstone):
    warm = dict(read_warm(path) for path in paths)
    common = set.intersection(*(set(rows) for rows in warm.values())) if warm else set()
    common = {t for t in common if all(rows[t][0] > 0 and rows[t][1] > 0 for rows in warm.values())}
    print(f"\n  warm: each trace replayed in one process, the best pass after the first ({len(common)} traces)")
    print(f"  {'stage':<10} {'ns/op':>8} {'vs libc':>8}")
    speed = {}
    for name, rows in warm.items():
        ns = geometric_mean([rows[t][0] for t in common])
        speed[name] = geometric_mean([rows[t][1] / rows[t][0] for t in common])
        print(f"  {name:<10} {ns:>8.1f} {speed[name]:>7.2f}x")
    if capstone in speed and "mimalloc" in speed:
        verdict = "met" if speed[capstone] >= speed["mimalloc"] else "not met"
        print(f"  goal, warm: speed {speed[capstone]:.2f}x against mimalloc's {speed['mimalloc']:.2f}x: {verdict}")


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: capstone_goal.py SUITE.json CAPSTONE [WARM.txt ...]")
    path, capstone = sys.argv[1], sys.argv[2]
    try:
        with open(path) as f:
            runs = {run["stage"]: run for run in json.load(f)["stages"]}
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"{path}: cannot read the replay's JSON: {e}")
    print(f"  {'stage':<10} {'correct':>9} {'vs libc':>8} {'utilization':>12}   (over every trace of the run)")
    seen = {}
    for name, run in runs.items():
        correct, traces, speed, utilization = figures(run)
        seen[name] = (speed, utilization, correct == traces)
        print(f"  {name:<10} {correct:>4}/{traces:<4} {speed:>7.2f}x {utilization:>12.2f}")
    if capstone not in seen:
        print(f"  the goal: no {capstone} stage in this run")
        return
    speed, utilization, all_correct = seen[capstone]
    lines = []
    if "mimalloc" in seen:
        verdict = "met" if speed >= seen["mimalloc"][0] else "not met"
        lines.append(f"speed {speed:.2f}x against mimalloc's {seen['mimalloc'][0]:.2f}x: {verdict}")
    else:
        lines.append("speed: mimalloc is not installed (apt-get install libmimalloc2.0)")
    for other in ("bins", "libc"):
        if other in seen:
            verdict = "met" if utilization >= seen[other][1] else "not met"
            lines.append(f"utilization {utilization:.2f} against {other}'s {seen[other][1]:.2f}: {verdict}")
    if not all_correct:
        lines.append(f"{capstone} failed a check on some trace: its figures count only the others")
    for line in lines:
        print(f"  goal: {line}")
    if len(sys.argv) > 3:
        weigh_warm(sys.argv[3:], capstone)


main()
