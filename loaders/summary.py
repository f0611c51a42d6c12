"""What a load did (or, with --dry-run, would do), in words an analyst can check."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class LoadSummary:
    kind: str
    file_name: str
    sha256: str = ""
    encoding: str = ""
    rows: int = 0  # data rows read from the file
    stored: int = 0  # values stored (month-cells for wide files)
    replaced: int = 0  # values already held for the same periods and areas, now replaced
    periods: list[str] = field(default_factory=list)
    areas: int = 0
    areas_added: list[str] = field(default_factory=list)
    total: int | None = None  # sum of all counts, to check against the source
    notes: list[str] = field(default_factory=list)
    # Issue 19: months incomplete in the source, and drops (accepted), in words.
    incomplete: list[str] = field(default_factory=list)
    drops: list[str] = field(default_factory=list)
    # The file by borough (``loaders.borough_summary``) and, for the CSV, by area.
    boroughs: list[dict] = field(default_factory=list)
    area_rows: list[dict] = field(default_factory=list)
    dry_run: bool = False
    upload_id: int | None = None
    # Indicators held but not in a re-loaded definitions file (the upload page asks about them).
    missing_indicators: list[str] = field(default_factory=list)

    def period_range(self) -> str:
        if not self.periods:
            return "none"
        if len(self.periods) == 1:
            return self.periods[0]
        return f"{self.periods[0]} to {self.periods[-1]} ({len(self.periods)} periods)"

    def lines(self) -> list[str]:
        verb = "Would load" if self.dry_run else "Loaded"
        out = [
            f"{verb} {self.kind} from {self.file_name} ({self.encoding or 'text'}): {self.rows:,} rows, {self.stored:,} values stored",
            f"  periods: {self.period_range()}",
            f"  areas: {self.areas:,}" + (f" ({len(self.areas_added)} new)" if self.areas_added else ""),
        ]
        if self.replaced:
            out.append(f"  replaced {self.replaced:,} values already held for the same periods and areas")
        if self.total is not None:
            out.append(f"  total count: {self.total:,}")
        out += [f"  incomplete in source: {line}" for line in self.incomplete]
        out += [f"  drop accepted: {line}" for line in self.drops]
        out += [f"  note: {note}" for note in self.notes]
        if self.dry_run:
            out.append("  dry run: nothing was stored")
        return out

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
