#!/usr/bin/env python3
"""fill.py: put measured figures into a handout, so that no figure is ever typed by hand.

    handouts/fill.py FIGURES.json SCALING.json COMPARE.txt SCALING.txt IN.md OUT.md

FIGURES.json and SCALING.json are `build/replay --json` output over the bundled traces and
over the scaling workloads; the two .txt files are the tables `make compare` prints.
Placeholders, anywhere in the text:

    {{STAGE.METRIC}}         the synthetic suite (traces/*.rep): utilization, kops, vs_libc,
                             syscalls_per_op, correct
    {{STAGE.TRACE.METRIC}}   one trace (TRACE as in traces/TRACE.rep): the same metrics
    {{STAGE.real.METRIC}}    the real programs' traces (traces/real/) alone: the same metrics;
                             {{STAGE.synthetic.METRIC}} the others
    {{STAGE.malloc_ns.N}}    the cost of one malloc with N free chunks (N: 1k, 10k, 100k);
    {{STAGE.free_ns.N}}      and of one free; {{STAGE.malloc_growth}}, {{STAGE.free_growth}}
    {{table.compare}}        the side-by-side table; {{table.scaling}} the scaling table
    {{map.STAGE.TRACE.LINE}} the heap of a reference stage after a line of traces/TRACE.rep, as
                             `build/replay -s STAGE --map LINE` prints it now (a code block)
    {{failure.TEST.TRACE}}   what build/replay says of the test allocator tests/allocators/TEST.c
                             (a planted bug) on traces/TRACE.rep, its shrunk trace included
    {{program.STAGE}}        build/run -s STAGE --check of a small Python program (this Python),
                             the command and what build/run reports
    {{plot.NAME}}            the plot NAME.svg that plots/NAME.gp drew from this run's figures
                             (in $HEAPKIT_PLOTS, the Makefile's $(BUILD)/handouts/figures/plots),
                             as an image linked relative to OUT.md; where gnuplot was missing, a
                             line that says so

The last two run the programs named by $HEAPKIT_REPLAY (build/replay) and
$HEAPKIT_TEST_STAGES (build/tests/stages), which the Makefile sets.

An unknown placeholder stops the build with FILE:LINE: message.
"""
import json
import os
import re
import subprocess
import sys

PLACEHOLDER = re.compile(r"\{\{([A-Za-z0-9_.\-]+)\}\}")
LENGTHS = {"1k": 1000, "10k": 10000, "100k": 100000}


def trace_metrics(trace, is_libc):
    ops = trace["ops"]
    calls = trace["system_calls"]
    syscalls = calls["brk"] + calls["sbrk"] + calls["mmap"] + calls["munmap"]
    timed = trace["timed"] and trace["stage_seconds"] > 0
    return {
        "utilization": f"{trace['utilization']:.2f}" if trace["correct"] else "-",
        "kops": f"{ops / trace['stage_seconds'] / 1000:.0f}" if timed else "-",
        "vs_libc": f"{trace['speed_vs_libc']:.2f}x" if timed else "-",
        "syscalls_per_op": "-" if is_libc or not ops else f"{syscalls / ops:.4f}",
        "correct": "yes" if trace["correct"] else "no",
    }


def nanoseconds(ns):
    if ns < 10000:
        return f"{ns:.0f} ns"
    if ns < 1e7:
        return f"{ns / 1000:.0f} us"
    return f"{ns / 1e6:.0f} ms"


def scaling_metrics(stage):
    values = {}
    costs = {"malloc": {}, "free": {}}
    for trace in stage["traces"]:
        for label, chunks in LENGTHS.items():
            if trace["name"] == f"freelist-{chunks}" and trace["correct"]:
                for segment in trace["segments"]:
                    if segment["name"] in costs and segment["ops"]:
                        costs[segment["name"]][label] = segment["seconds"] * 1e9 / segment["ops"]
    for kind, by_length in costs.items():
        for label in LENGTHS:
            values[f"{kind}_ns.{label}"] = nanoseconds(by_length[label]) if label in by_length else "-"
        if "1k" in by_length and "100k" in by_length:
            floor = 25.0
            ratio = max(by_length["100k"], floor) / max(by_length["1k"], floor)
            values[f"{kind}_growth"] = "O(1)" if ratio < 4 else "O(n)" if ratio > 20 else "grows"
        else:
            values[f"{kind}_growth"] = "?"
    return values


def group_metrics(stage, real):
    """A stage's summary over one group of its traces, as build/replay's tables compute it."""
    traces = [t for t in stage["traces"] if ("/real/" in t["trace"] or t["trace"].startswith("real/")) == real]
    correct = [t for t in traces if t["correct"]]
    timed = [t for t in correct if t["timed"] and t["stage_seconds"] > 0]
    seconds = sum(t["stage_seconds"] for t in timed)
    ops = sum(t["ops"] for t in correct)
    calls = sum(sum(t["system_calls"][k] for k in ("brk", "sbrk", "mmap", "munmap")) for t in correct)
    ratios = [t["speed_vs_libc"] for t in timed if t["speed_vs_libc"] > 0]
    geometric = 1.0
    for ratio in ratios:
        geometric *= ratio ** (1 / len(ratios))
    return {
        "utilization": f"{sum(t['utilization'] for t in correct) / len(correct):.2f}" if correct else "-",
        "kops": f"{sum(t['ops'] for t in timed) / seconds / 1000:.0f}" if seconds > 0 else "-",
        "vs_libc": f"{geometric:.2f}x" if ratios else "-",
        "syscalls_per_op": "-" if stage["is_libc"] or not ops else f"{calls / ops:.4f}",
        "correct": f"{len(correct)}/{len(traces)}",
    }


def figures(suite, scaling, compare_table, scaling_table):
    known = {"table.compare": "```\n" + compare_table.rstrip() + "\n```",
             "table.scaling": "```\n" + scaling_table.rstrip() + "\n```"}
    for stage in suite["stages"]:
        name = stage["stage"]
        # The suite: the synthetic traces, as make compare's first table (the real programs'
        # have a table, and placeholders, of their own).
        for metric, value in group_metrics(stage, False).items():
            known[f"{name}.{metric}"] = value
        for group, real in (("real", True), ("synthetic", False)):
            for metric, value in group_metrics(stage, real).items():
                known[f"{name}.{group}.{metric}"] = value
        for trace in stage["traces"]:
            for metric, value in trace_metrics(trace, stage["is_libc"]).items():
                known[f"{name}.{trace['name']}.{metric}"] = value
    for stage in scaling["stages"]:
        for key, value in scaling_metrics(stage).items():
            known[f"{stage['stage']}.{key}"] = value
    return known


def plot_figure(key, target):
    """{{plot.NAME}}: an image of the SVG gnuplot drew, or why there is none; None when no
    plots/NAME.gp draws it."""
    name = key.split(".", 1)[1]
    if not os.path.exists(os.path.join("plots", name + ".gp")):
        return None
    svg = os.path.join(os.environ.get("HEAPKIT_PLOTS", "build/plots"), name + ".svg")
    if not os.path.exists(svg):
        return "*(This plot was not drawn: gnuplot is missing where the handouts were built; apt-get install gnuplot-nox.)*"
    link = os.path.relpath(os.path.abspath(svg), os.path.dirname(os.path.abspath(target)))
    return f"![{PLOT_TITLES.get(name, name)}]({link})"


PLOT_TITLES = {
    "utilization-speed": "Utilization against speed vs libc, one point per stage and baseline",
    "scaling": "Cost of one malloc and one free against the free chunks kept, log-log",
    "trace-utilization": "Utilization on each trace, a bar per stage",
    "trace-speed": "Speed vs libc on each trace, a bar per stage",
}


def run_figure(key):
    """A map or a failure, made now by the replay; None when the key is neither."""
    parts = key.split(".")
    replay = os.environ.get("HEAPKIT_REPLAY", "build/replay")
    environment = dict(os.environ, NO_COLOR="1")
    if parts[0] == "map" and len(parts) == 4:
        command = [replay, "-s", parts[1], "--map", parts[3], f"traces/{parts[2]}.rep"]
        output = subprocess.run(command, capture_output=True, text=True, env=environment)
        if output.returncode != 0:
            sys.exit(f"fill.py: {' '.join(command)} failed:\n{output.stderr}")
        return "```\n" + output.stdout.rstrip() + "\n```"
    if parts[0] == "failure" and len(parts) == 3:
        stage = os.path.join(os.environ.get("HEAPKIT_TEST_STAGES", "build/tests/stages"), parts[1])
        command = [replay, "-s", stage, "--no-time", f"traces/{parts[2]}.rep"]
        output = subprocess.run(command, capture_output=True, text=True, env=environment)
        if output.returncode != 1:
            sys.exit(f"fill.py: {' '.join(command)} did not fail as it should:\n{output.stderr}")
        return "```\n" + output.stderr.rstrip() + "\n```"
    if parts[0] == "program" and len(parts) == 2:
        run = os.path.join(os.path.dirname(replay), "run")
        script = "import json; print(len(json.dumps([{'n': i, 'text': str(i) * 3} for i in range(20000)])))"
        command = [run, "-s", parts[1], "--check", "--", sys.executable, "-I", "-S", "-c", script]
        output = subprocess.run(command, capture_output=True, text=True, env=environment)
        if output.returncode != 0:
            sys.exit(f"fill.py: {' '.join(command)} failed:\n{output.stderr}")
        shown = f"build/run -s {parts[1]} --check -- python3 -I -S -c \"{script}\""
        return "```\n$ " + shown + "\n" + output.stdout + output.stderr.rstrip() + "\n```"
    return None


def main(arguments):
    if len(arguments) != 7:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    suite_path, scaling_path, compare_path, scaling_table_path, source, target = arguments[1:]
    with open(suite_path) as f:
        suite = json.load(f)
    with open(scaling_path) as f:
        scaling = json.load(f)
    with open(compare_path) as f:
        compare_table = f.read()
    with open(scaling_table_path) as f:
        scaling_table = f.read()
    known = figures(suite, scaling, compare_table, scaling_table)
    problems = []
    lines = []
    with open(source) as f:
        for number, line in enumerate(f, 1):
            def replace(match):
                key = match.group(1)
                if key not in known and key.split(".")[0] == "plot":
                    figure = plot_figure(key, target)
                    if figure is not None:
                        known[key] = figure
                if key not in known and key.split(".")[0] in ("map", "failure", "program"):
                    figure = run_figure(key)
                    if figure is not None:
                        known[key] = figure
                if key not in known:
                    problems.append(f"{source}:{number}: unknown placeholder {{{{{key}}}}}")
                    return match.group(0)
                return known[key]
            lines.append(PLACEHOLDER.sub(replace, line))
    if problems:
        sys.exit("\n".join(problems))
    with open(target, "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main(sys.argv)
