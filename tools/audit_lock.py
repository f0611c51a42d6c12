"""Audit a hashed lock file for known vulnerabilities: ``python tools/audit_lock.py LOCK [--strict]``.

1. pip-audit, against PyPI's vulnerability data for each pinned version (its default service).
2. Where pip-audit could not audit a package (it reports "not found" when the per-version
   JSON API is unreachable, as on a network that only lets the package index through, and
   would otherwise pass without checking anything), PyPI's project JSON API is asked
   instead: it lists the advisories that affect the project's latest release, and whether
   our pinned release was yanked. A pin that *is* the latest release is fully checked this way;
   an older pin can only be checked for being yanked, and is listed as such.

Exit 1 on any known vulnerability or yanked pin; with --strict (for CI with full network
access) also when anything could not be fully audited. The last lines always say how many
pins were checked out of how many, and say plainly when nothing could be checked (offline):
that is reported, not passed off as "no known vulnerabilities", and without --strict it does
not fail the build.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", re.M)
PROJECT_JSON = "https://pypi.org/pypi/{name}/json"


def pins(lock: Path) -> dict[str, str]:
    return {name.lower(): version for name, version in PIN.findall(lock.read_text())}


def run_pip_audit(lock: Path) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "-r", str(lock), "--disable-pip", "--progress-spinner", "off",
                   "-f", "json", "-o", str(out), "--timeout", "30"]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
        if not out.exists():
            return {"error": (done.stderr or done.stdout).strip()[-500:], "dependencies": []}
        return json.loads(out.read_text())


def project_check(name: str, version: str) -> tuple[str, list[str], str]:
    """(status, problems, note) from PyPI's project JSON: status is checked|partial|unreachable."""
    try:
        with urllib.request.urlopen(PROJECT_JSON.format(name=name), timeout=30) as response:
            data = json.load(response)
    except Exception as exc:  # offline: reported, not fatal unless --strict
        return "unreachable", [], str(exc)
    problems = []
    files = data.get("releases", {}).get(version, [])
    if files and all(f.get("yanked") for f in files):
        problems.append(f"{name} {version} was yanked: {files[0].get('yanked_reason') or 'no reason given'}")
    latest = data.get("info", {}).get("version")
    if latest != version:
        return "partial", problems, f"pinned {version}, latest {latest}: advisories for older releases not available here"
    for vuln in data.get("vulnerabilities") or []:
        if not vuln.get("withdrawn"):
            fixed = ", ".join(vuln.get("fixed_in") or []) or "no fixed release"
            problems.append(f"{name} {version}: {vuln.get('id')} ({', '.join(vuln.get('aliases') or [])}) fixed in {fixed}")
    return "checked", problems, ""


def main(argv: list[str]) -> int:
    lock = Path(argv[0])
    strict = "--strict" in argv
    pinned = pins(lock)
    report = run_pip_audit(lock)
    problems: list[str] = []
    audited, skipped = set(), []
    for dep in report.get("dependencies", []):
        name = dep["name"].lower()
        if "skip_reason" in dep:
            skipped.append(name)
            continue
        audited.add(name)
        for vuln in dep.get("vulns", []):
            problems.append(
                f"{name} {dep.get('version')}: {vuln['id']} fixed in {', '.join(vuln.get('fix_versions') or []) or 'no fixed release'}"
            )
    if report.get("error"):
        print(f"pip-audit did not run: {(report['error'].splitlines() or ['no output'])[-1]}")
        skipped = sorted(set(pinned) - audited)
    fallback = {}
    if skipped:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = pool.map(lambda n: (n, project_check(n, pinned.get(n, ""))), skipped)
            fallback = dict(results)
    partial, unreachable = [], []
    for name, (status, found, note) in sorted(fallback.items()):
        problems += found
        if status == "partial":
            partial.append(f"  {name}: {note}")
        elif status == "unreachable":
            unreachable.append(name)
    checked = sum(1 for status, _, _ in fallback.values() if status == "checked")
    print(f"audit of {lock}: {len(pinned)} pinned; {len(audited)} checked by pip-audit, {checked} against PyPI's "
          f"advisories for their (latest) release, {len(partial)} only partly, {len(unreachable)} not at all")  # fmt: skip
    if partial:
        print("not fully audited:\n" + "\n".join(partial))
    if unreachable and len(unreachable) < len(pinned):
        print("not audited (PyPI unreachable): " + ", ".join(unreachable))
    return verdict(problems, len(audited) + checked, len(pinned), strict=strict, incomplete=bool(partial or unreachable))


def verdict(problems: list[str], checked: int, pinned: int, *, strict: bool, incomplete: bool) -> int:
    """The closing lines and exit status: the count checked always; nothing checked said plainly."""
    print(f"checked {checked} of {pinned} pinned packages")
    if problems:
        print("KNOWN VULNERABILITIES OR YANKED RELEASES:\n  " + "\n  ".join(problems))
        return 1
    if strict and incomplete:
        print("--strict: everything must be audited")
        return 1
    if pinned and checked == 0:
        print("DEPENDENCY AUDIT COULD CHECK NOTHING: no vulnerability service could be reached (offline?). "
              "This is not a pass; run `make audit` with network access.")  # fmt: skip
        return 0
    print("no known vulnerabilities" + ("" if checked == pinned else f" in the {checked} checked"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
