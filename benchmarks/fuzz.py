"""Long fuzz profile: the property tests of tests/test_fuzz.py with 10,000 examples each.

    python benchmarks/fuzz.py [--examples 10000]

Prints the time taken and pytest's verdict; CI runs the same properties with fewer examples.
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=10_000)
    a = ap.parse_args()
    env = {**os.environ, "PLAYGROUND_FUZZ_EXAMPLES": str(a.examples)}
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "-o", "timeout=0", str(ROOT / "tests" / "test_fuzz.py")], cwd=ROOT, env=env)
    print(f"{a.examples} examples per property: {time.perf_counter() - start:.0f} s, exit code {r.returncode}")
    sys.exit(r.returncode)
