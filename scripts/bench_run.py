#!/usr/bin/env python3
"""Runs one `ringmq bench ... --json` and measures CPU around its measured seconds.

Used by scripts/bench.sh. Reads the bench's per-second JSON lines as they come; when the last
warm-up second is printed it samples the CPU time (utime + stime, /proc/PID/stat) of the broker
process (--broker-pid) and of the bench process itself, and samples both again when the last
measured second is printed. Prints one JSON object: the bench summary plus
broker_cpu_us_per_msg and client_cpu_us_per_msg over the measured seconds.

  bench_run.py --broker-pid PID -- ringmq bench produce ... --json
"""
import argparse
import json
import os
import subprocess
import sys

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """utime + stime of a process in seconds, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; fields after the closing parenthesis are fixed.
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--broker-pid", type=int, required=True)
    parser.add_argument("--duration", type=int, required=True, help="measured seconds of the bench")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd

    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    start = None   # (broker cpu, client cpu) at the end of warm-up
    end = None     # the same after the last measured second
    summaries = []
    for line in child.stdout:
        try:
            sample = json.loads(line)
        except ValueError:
            continue
        if sample.get("summary"):
            summaries.append(sample)
            continue
        second = sample.get("second", 0)
        if second == 0 and start is None:
            start = (cpu_seconds(args.broker_pid), cpu_seconds(child.pid))
        if second == args.duration:
            end = (cpu_seconds(args.broker_pid), cpu_seconds(child.pid))
    rc = child.wait()
    if not summaries:
        print(json.dumps({"error": f"bench exited {rc} without a summary"}))
        return 1
    result = summaries[0]
    msgs = result.get("msgs", 0)
    for i, key in enumerate(("broker_cpu_us_per_msg", "client_cpu_us_per_msg")):
        if start and end and start[i] is not None and end[i] is not None and msgs > 0:
            result[key] = (end[i] - start[i]) * 1e6 / msgs
        else:
            result[key] = None
    result["exit_code"] = rc
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
