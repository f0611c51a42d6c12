"""Remove the ``# noqa`` directives ruff reports as unused (RUF100), keeping the reason beside them:
``python tools/drop_unused_noqa.py [PATH ...]`` (default: the whole tree).

``ruff check --fix`` deletes an unused directive together with everything after it on the line,
so ``except Exception:  # noqa: BLE001 - a cache outage must not take the dashboard down``
would lose its reason. Here the directive goes and the reason stays as a plain comment
(``except Exception:  # a cache outage must not take the dashboard down``); a directive with
some codes still in use keeps those codes (ruff's own edit). Run it, then ``ruff format``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

DIRECTIVE = re.compile(r"\s*#\s*noqa(?::\s*[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)?", re.IGNORECASE)
SEPARATORS = "-–—:;, "


def unused(paths: list[str]) -> list[dict]:
    ruff = Path(sys.executable).with_name("ruff")
    out = subprocess.run(
        [str(ruff), "check", "--extend-select", "RUF100", "--output-format", "json", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(out.stdout or "[]")


def without_directive(line: str, start: int) -> str | None:
    """``line`` with the directive starting at ``start`` removed and any reason kept; None when
    the text there is not a directive (left for a person to look at)."""
    before, tail = line[:start].rstrip(), line[start:]
    match = DIRECTIVE.match(tail)
    if not match:
        return None
    rest = tail[match.end() :].strip()
    if not rest.startswith("#"):
        rest = rest.lstrip(SEPARATORS).strip()
        rest = f"# {rest}" if rest else ""
    if not before.strip():  # a comment line of its own
        return f"{before}{rest}" if rest else ""
    return f"{before}  {rest}" if rest else before


def main(paths: list[str]) -> int:
    by_file: dict[str, list[dict]] = defaultdict(list)
    for found in unused(paths or ["."]):
        if found["code"] == "RUF100":
            by_file[found["filename"]].append(found)
    skipped = 0
    for filename, found in by_file.items():
        path = Path(filename)
        lines = path.read_text(encoding="utf-8").split("\n")
        for item in sorted(found, key=lambda f: f["location"]["row"], reverse=True):
            edit = item["fix"]["edits"][0]
            row, start, end = edit["location"]["row"] - 1, edit["location"]["column"] - 1, edit["end_location"]["column"] - 1
            line = lines[row]
            if edit["content"]:  # some codes still used: ruff's edit keeps them
                lines[row] = line[:start] + edit["content"] + line[end:]
                continue
            new = without_directive(line, start)
            if new is None:
                print(f"{filename}:{row + 1}: left as it is: {line.strip()}")
                skipped += 1
            else:
                lines[row] = new
        path.write_text("\n".join(lines), encoding="utf-8")
    print(f"{sum(map(len, by_file.values())) - skipped} unused noqa directives removed, {skipped} left")
    return 1 if skipped else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
