#!/usr/bin/env python3
"""tests/json_check.py MODE ERROR-TEXT < OUTPUT: build/replay --json's output has every key, with
its type. MODE "timed": every trace was timed once; "footprint": no peak footprint below its peak
live payload; anything else: no more. A trace that failed must name ERROR-TEXT in its error.
Prints each problem on a line of its own and exits 1, or prints nothing and exits 0."""
import json, sys
mode, want_error = sys.argv[1], sys.argv[2]
document = json.load(sys.stdin)
problems = []
def need(where, thing, keys):
    for key, kind in keys.items():
        if key not in thing:
            problems.append("%s: no key %r" % (where, key))
        elif not isinstance(thing[key], kind):
            problems.append("%s: %r is %r" % (where, key, thing[key]))
number = (int, float)
need("top", document, {"limit_bytes": int, "stages": list})
for stage in document.get("stages", []):
    need("stage", stage, {"stage": str, "is_libc": bool, "summary": dict, "traces": list})
    need("summary", stage.get("summary", {}), {"traces": int, "correct": int, "ops": int,
         "mean_utilization": number, "kops_per_second": number, "speed_vs_libc": number,
         "syscalls_per_op": number})
    if mode == "timed" and stage.get("traces") and \
            sum(t.get("stage_seconds", 0) for t in stage["traces"] if isinstance(t, dict)) <= 0:
        problems.append("%s: no time measured on any trace" % stage.get("stage"))
    for trace in stage.get("traces", []):
        need("trace", trace, {"trace": str, "name": str, "ops": int, "correct": bool,
             "utilization": number, "peak_payload_bytes": int, "peak_footprint_bytes": int,
             "system_calls": dict, "timed": bool, "runs": int, "stage_seconds": number,
             "libc_seconds": number, "speed_vs_libc": number, "checked_seconds": number})
        need("system_calls", trace.get("system_calls", {}), {"brk": int, "sbrk": int,
             "sbrk0": int, "mmap": int, "munmap": int, "enomem": int})
        if "error" not in trace:
            problems.append("trace: no key %r" % "error")
        elif trace["correct"] and trace["error"] is not None:
            problems.append("a correct trace has an error")
        elif not trace["correct"] and want_error not in (trace["error"] or ""):
            problems.append("the error lacks %r: %r" % (want_error, trace["error"]))
        # A time of 0 is a measurement: a 15-operation trace can take less than the CPU clock
        # of another process shows (under the sanitizers, a whole replay of tiny-edge read 0).
        if mode == "timed" and not (trace.get("timed") and trace.get("runs") == 1
                                           and trace.get("stage_seconds", -1) >= 0):
            problems.append("not timed once: %r" % trace)
        if mode == "footprint" and trace.get("correct") and \
                trace.get("peak_footprint_bytes", 0) < trace.get("peak_payload_bytes", 0):
            problems.append("%s on %s: peak footprint %d bytes is below the peak live payload, %d bytes"
                            % (stage.get("stage"), trace.get("trace"), trace["peak_footprint_bytes"],
                               trace["peak_payload_bytes"]))
if len(document.get("stages", [])) == 0:
    problems.append("no stages")
print("\n".join(problems))
sys.exit(1 if problems else 0)
