"""Runs a command and prints its wall time and the peak of the summed resident memory of its
whole process tree (a jsii app is two processes: the language's and the node kernel's), sampled
every 20 ms from /proc.

    python3 bench/peak.py <command>...    # prints "<seconds> <peak MB>"
"""
import os
import subprocess
import sys
import time


def tree_rss_kb(root: int) -> int:
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            pass
        stack.extend(children.get(pid, []))
    return total


def main() -> None:
    start = time.monotonic()
    process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kb(process.pid))
        time.sleep(0.02)
    wall = time.monotonic() - start
    if process.returncode != 0:
        sys.exit(f"{' '.join(sys.argv[1:])} exited with {process.returncode}")
    print(f"{wall:.2f} {peak // 1024}")


if __name__ == "__main__":
    main()
