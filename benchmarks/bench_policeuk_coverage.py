"""The coverage record after a police.uk load (``record_coverage``) with the national area tree
held: ``bench_national``'s generated nation (43 forces, ~318 districts, ~7,000 wards, ~35,000
LSOAs) loaded beside the demo on PostgreSQL, then one force's street files for a few months
(West Yorkshire, three months: about 90,000 records at ``--scale 1``). Prints the load's
seconds, the seconds spent in ``record_coverage`` and the areas it worked out (with
``--profile``, the record's cProfile, top 25 by cumulative time).

    .venv/bin/python benchmarks/bench_policeuk_coverage.py [--months 3] [--scale 1.0] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_national import FORCES, POLICE_UK_MONTHS, RECORDS, SEED, Tree, _month_frame, national_tree, write_lookups  # noqa: E402
from bench_serve import fresh_database  # noqa: E402

from demo.hartlepool import ASB_TYPE, POLICE_UK_HEADER, POLICE_UK_TYPES  # noqa: E402

FORCE = "west-yorkshire"


def force_archive(tree: Tree, out: Path, slugs: list[str], months: list[str], scale: float) -> tuple[Path, int]:
    """Street files of the forces ``slugs`` for ``months``, as ``bench_national.police_uk_archive``
    writes them."""
    rng = np.random.default_rng(SEED + 3)
    path, written = out / f"police-uk-{len(slugs)}-forces.zip", 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for force in (f for f in tree.forces if f.slug in slugs):
            for month in months:
                frame, n = _force_month(rng, tree, force, month, scale)
                buffer = io.StringIO()
                frame.to_csv(buffer, index=False, header=POLICE_UK_HEADER, lineterminator="\n")
                archive.writestr(f"{month}/{month}-{force.slug}-street.csv", buffer.getvalue())
                written += n
    return path, written


def _force_month(rng, tree: Tree, force, month: str, scale: float):  # type: ignore[no-untyped-def]
    own = [d for d in tree.districts if d.force is force]
    kinds = [*POLICE_UK_TYPES, ASB_TYPE]
    crime_shares = np.array([s for s, _ in POLICE_UK_TYPES.values()])
    type_p = np.append(crime_shares / crime_shares.sum() * 0.78, 0.22)
    lsoas = np.array([code for d in own for code in d.lsoas])
    names = np.array([f"{d.name} {k // 4 + 1:03d}{'ABCD'[k % 4]}" for d in own for k in range(len(d.lsoas))])
    weights = np.concatenate([np.full(len(d.lsoas), d.weight / len(d.lsoas)) for d in own])
    centres = np.array([d.centre for d in own for _ in d.lsoas])
    n = int(RECORDS * scale * force.weight / sum(w for _, w, _ in FORCES) / len(POLICE_UK_MONTHS))
    return _month_frame(rng, n, month, force, kinds, type_p, lsoas, names, weights / weights.sum(), centres), n


def areas_held(engine) -> int:  # type: ignore[no-untyped-def]
    from store.areas import AreaTree
    from store.db import session_scope

    with session_scope(engine) as session:
        return len(AreaTree.load(session).by_code)


def record_agrees(engine) -> bool:  # type: ignore[no-untyped-def]
    """The record after the load is exactly what working it all out afresh gives."""
    from store.coverage_record import computed_coverage, recorded_coverage
    from store.db import session_scope

    with session_scope(engine) as session:
        agree = True
        for s in ("crime", "asb"):
            recorded, computed = recorded_coverage(session, s), computed_coverage(session, s)
            if recorded != computed:
                agree = False
                differ = sorted(k for k in recorded.keys() | computed.keys() if recorded.get(k) != computed.get(k))
                print(f"  {s}: {len(differ)} rows differ, e.g.", [(k, recorded.get(k), computed.get(k)) for k in differ[:3]])
        return agree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--national-months", type=int, default=0, help="every other force's files for this many months, loaded first"
    )
    parser.add_argument("--national-scale", type=float, default=0.05)
    args = parser.parse_args()

    import loaders.registry
    import store.coverage_record
    from loaders.reading import Source
    from loaders.registry import run_load
    from store.db import get_engine

    timed: dict[str, float] = {}
    profile = cProfile.Profile()
    areas_worked_out: list[int] = []
    resolved = store.coverage_record.resolve_coverage

    def counting(tree, areas, *a, **k):  # type: ignore[no-untyped-def]
        areas_worked_out.append(len(areas))
        return resolved(tree, areas, *a, **k)

    store.coverage_record.resolve_coverage = counting  # type: ignore[assignment]
    recorded = store.coverage_record.record_coverage

    def timing(*a, **k):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        if args.profile and timed.get("police.uk"):
            profile.enable()
        try:
            return recorded(*a, **k)
        finally:
            if args.profile:
                profile.disable()
            timed["record_coverage"] = time.perf_counter() - began

    loaders.registry.record_coverage = timing  # type: ignore[assignment]
    url, drop = fresh_database()
    try:
        with tempfile.TemporaryDirectory(prefix="bench_policeuk_coverage_") as tmp:
            tree = national_tree()
            engine = get_engine(url)
            for kind, path in write_lookups(tree, Path(tmp)).items():
                run_load(engine, kind, Source.from_path(path), user="bench")
            if args.national_months:
                others = [f.slug for f in tree.forces if f.slug != FORCE]
                national, held = force_archive(
                    tree, Path(tmp), others, POLICE_UK_MONTHS[: args.national_months], args.national_scale
                )
                began = time.perf_counter()
                run_load(engine, "policeuk", Source.from_path(national), user="bench")
                print(f"the other {len(others)} forces, {args.national_months} months, {held:,} records: "
                      f"load {time.perf_counter() - began:.1f} s, record_coverage {timed['record_coverage']:.1f} s")  # fmt: skip
            archive, written = force_archive(tree, Path(tmp), [FORCE], POLICE_UK_MONTHS[: args.months], args.scale)
            areas_worked_out.clear()
            timed["police.uk"] = 1.0
            began = time.perf_counter()
            run_load(engine, "policeuk", Source.from_path(archive), user="bench")
            load = time.perf_counter() - began
            worked_out = sum(areas_worked_out)
            agrees = record_agrees(engine)
        print(f"police.uk, {FORCE}, {args.months} months, {written:,} records: load {load:.1f} s, "
              f"record_coverage {timed['record_coverage']:.1f} s, areas worked out {worked_out:,} "
              f"(of {areas_held(engine):,} areas held, for each of crime and ASB); the record agrees with working it out afresh: {agrees}")  # fmt: skip
        if args.profile:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(45)
            print(out.getvalue())
    finally:
        get_engine(url).dispose()
        drop()


if __name__ == "__main__":
    main()
