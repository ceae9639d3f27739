"""Run the CLI fuzzers and the exports property test longer than the default suite does.

    python benchmarks/fuzz.py --examples 2000

Each tries that many generated inputs through the real CLI (CSV bytes; YAML documents; random
exports checked against an independent count) and fails on the first crash or disagreement,
which Hypothesis then shrinks to a minimal input. Prints the inputs tried and the failures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUZZERS = ("test_fuzz_edges.py::test_fuzzed_csv_bytes",
           "test_fuzz_edges.py::test_fuzzed_yaml_documents",
           "test_exports_property.py::test_random_exports_agree_with_an_independent_count",
           "test_validate_fuzz.py::test_validate_answers_every_mutation",
           "test_renewals.py::test_random_payment_histories")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="inputs per fuzzer")
    args = parser.parse_args()
    env = {**os.environ, "SSPOST_FUZZ_EXAMPLES": str(args.examples)}
    failed = 0
    for name in FUZZERS:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "",
             f"tests/{name}"], cwd=ROOT, env=env, check=False,
            capture_output=True, text=True)
        seconds = time.perf_counter() - started
        crashes = 0 if done.returncode == 0 else 1
        failed += crashes
        print(f"{name}: {args.examples} inputs tried, {crashes} failure(s), {seconds:.0f} s")
        if crashes:
            print(done.stdout[-4000:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
