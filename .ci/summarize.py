#!/usr/bin/env python3
"""Summarizes VSTest .trx result files.

Usage: summarize.py RESULTS_DIR

Prints per-assembly counts, the names of failed tests (with the first line of their message),
and, as the very last line, "N passed, N failed" (", N skipped" appended when any were skipped).

Exit code: 0 when at least one test ran and none failed; 1 when any test failed or errored;
2 when no test ran (or no .trx file was found).
"""

import collections
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"

PASSED = {"Passed", "PassedButRunAborted", "Warning"}
SKIPPED = {"NotExecuted", "NotRunnable", "Inconclusive", "Disconnected", "Pending"}
# Everything else (Failed, Error, Timeout, Aborted, ...) counts as failed.


def assembly_name(code_base):
    if not code_base:
        return "(unknown assembly)"
    name = os.path.basename(code_base.replace("\\", "/"))
    return name[:-4] if name.lower().endswith(".dll") else name


def first_line(text, limit=300):
    text = (text or "").strip()
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def parse(path, per_assembly, failures, problems):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        problems.append(f"unreadable result file {path}: {error}")
        return

    test_assembly = {}
    for unit_test in root.iter(NS + "UnitTest"):
        method = unit_test.find(NS + "TestMethod")
        code_base = method.get("codeBase") if method is not None else None
        test_assembly[unit_test.get("id")] = assembly_name(code_base)

    for result in root.iter(NS + "UnitTestResult"):
        # Data-driven tests nest results under InnerResults; count only leaves.
        if result.find(NS + "InnerResults") is not None:
            continue
        assembly = test_assembly.get(result.get("testId"), "(unknown assembly)")
        outcome = result.get("outcome", "")
        counts = per_assembly[assembly]
        if outcome in PASSED:
            counts["passed"] += 1
        elif outcome in SKIPPED:
            counts["skipped"] += 1
        else:
            counts["failed"] += 1
            message = ""
            error = result.find(f"{NS}Output/{NS}ErrorInfo/{NS}Message")
            if error is not None:
                message = first_line(error.text)
            failures.append((assembly, result.get("testName", "(unnamed test)"), outcome, message))

    # A crashed or aborted test host shows up in the run summary, not as a test result.
    summary = root.find(NS + "ResultSummary")
    if summary is not None and summary.get("outcome") in {"Aborted", "Error"}:
        text = ""
        for info in summary.iter(NS + "Text"):
            text = first_line(info.text)
            if text:
                break
        problems.append(f"test run in {os.path.basename(path)} ended as {summary.get('outcome')}: {text}")


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    files = sorted(glob.glob(os.path.join(argv[1], "**", "*.trx"), recursive=True))
    per_assembly = collections.defaultdict(lambda: collections.Counter(passed=0, failed=0, skipped=0))
    failures, problems = [], []
    for path in files:
        parse(path, per_assembly, failures, problems)

    if not files:
        print(f"no .trx result files under {argv[1]}")
    for assembly in sorted(per_assembly):
        c = per_assembly[assembly]
        print(f"  {assembly}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    if failures:
        print(f"Failed tests ({len(failures)}):")
        for assembly, name, outcome, message in failures:
            suffix = f" -- {message}" if message else ""
            print(f"  FAILED [{assembly}] {name} ({outcome}){suffix}")

    passed = sum(c["passed"] for c in per_assembly.values())
    failed = sum(c["failed"] for c in per_assembly.values())
    skipped = sum(c["skipped"] for c in per_assembly.values())
    if passed + failed == 0:
        print("NO TEST RAN")
    final = f"{passed} passed, {failed} failed"
    if skipped:
        final += f", {skipped} skipped"
    print(final)

    if failed or problems:
        return 1
    if passed == 0:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
