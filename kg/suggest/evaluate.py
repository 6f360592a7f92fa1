"""``make eval-suggest``: score the suggester against gold files by the rule of
``../shared/ingest-eval/README.md`` and write docs/ingestion.md.

The gazetteer is the graph of the seed source alone (built into a temporary store), so the
score measures reading, not remembering facts other sources put in the graph.

>>> normalise("Bộ TN&MT")
'bộ tài nguyên và môi trường'
>>> normalise("PGS.TS Nguyễn Văn A", person=True)
'nguyễn văn a'
>>> org_matches("Vụ Khoa giáo - Văn xã Văn phòng Chính phủ", ["Vụ Khoa giáo - Văn xã"])
True
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .gazetteer import PLACES, Gazetteer
from .reader import Fact, read
from .resolve import resolve
from .text import fold, nfc, unify_tones

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT.parent / "shared" / "ingest-eval"
SEED = ROOT / "sources" / "khoi-thi-dua-iv-2021"
REPORT = ROOT / "docs" / "ingestion.md"

_ABBR = [("tn&mt", "tài nguyên và môi trường"), ("tn-mt", "tài nguyên và môi trường"),
         ("tnmt", "tài nguyên và môi trường"), ("kttv", "khí tượng thủy văn"), ("bđkh", "biến đổi khí hậu"),
         ("đc&ks", "địa chất và khoáng sản"), ("đcks", "địa chất và khoáng sản"), ("ubnd", "ủy ban nhân dân"),
         ("hđnd", "hội đồng nhân dân"), ("nn&ptnt", "nông nghiệp và phát triển nông thôn"),
         ("tp.", "thành phố"), ("tp", "thành phố")]
_HONORIFIC = re.compile(r"^(?:(?:ông|bà|đồng chí|gs|pgs|ts|ths|tskh|ks|cn|bs)\b[\s.]*)+")


def normalise(text: str, *, person: bool = False) -> str:
    """Step 1 of the rule: NFC, lower case, one tone placement, abbreviations, punctuation."""
    text = unify_tones(nfc(text)).lower()
    for abbr, full in _ABBR:
        text = re.sub(rf"(?<![^\W\d_]){re.escape(abbr)}(?![^\W\d_])", full, text)
    text = re.sub(r"(?<![^\W\d_])kh(?=\s+[^\W\d_])", "khoa học", text)
    text = text.replace("&", " và ")
    text = re.sub(r"[-–,().]", " ", text)
    text = " ".join(text.split())
    if person:
        text = _HONORIFIC.sub("", text).strip()
    return text


_HEADS = sorted({normalise(h) for h in ("Bộ", "Tổng cục", "Cục", "Vụ", "Văn phòng", "Sở", "Ủy ban nhân dân",
                                        "Chính phủ", "Ban", "Viện", "Trung tâm")}, key=len, reverse=True)


def org_matches(predicted: str, gold: list[str]) -> bool:
    """Equal to a gold form, or one followed only by a parent unit or the province name."""
    p = normalise(predicted)
    for g in (normalise(x) for x in gold):
        if p == g:
            return True
        if p.startswith(g + " "):
            rest = p[len(g) + 1:]
            rest_place = re.sub(r"^(tỉnh|thành phố)\s+", "", rest)
            if any(rest == h or rest.startswith(h + " ") for h in _HEADS) or fold(rest_place) in PLACES:
                return True
    return False


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tp_all: int = 0
    fp_all: int = 0
    fn_all: int = 0
    dates_ok: int = 0
    evidence_ok: int = 0
    matched: int = 0
    details: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for k in ("tp", "fp", "fn", "tp_all", "fp_all", "fn_all", "dates_ok", "evidence_ok", "matched"):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    @staticmethod
    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _matches(f: Fact, g: dict[str, Any]) -> bool:
    people = [normalise(x, person=True) for x in [g["person"], *g.get("person_alt", [])]]
    titles = [normalise(x) for x in [g["title"], *g.get("title_alt", [])]]
    return (normalise(f.person, person=True) in people and normalise(f.title) in titles
            and org_matches(f.organisation, [g["organisation"], *g.get("organisation_alt", [])]))


def _date_ok(f: Fact, g: dict[str, Any], note: str) -> bool:
    if f.date == str(g["attested_date"]):
        return True
    window = re.search(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", note)
    return bool("UNCERTAIN" in note and window and f.date and window.group(1) <= f.date <= window.group(2)
                and str(g["attested_date"]) >= window.group(1))


def score_file(facts: list[Fact], gold: dict[str, Any], text: str) -> Score:
    """Steps 2–5 of the rule for one text."""
    s = Score()
    rows = gold.get("facts", [])
    used: set[int] = set()
    used_all: set[int] = set()
    seen: set[tuple[str, str, str]] = set()
    flat = " ".join(nfc(text).split())
    for f in facts:
        key = (normalise(f.person, person=True), normalise(f.title), normalise(f.organisation))
        if key in seen or normalise(f.title).startswith("nguyên"):
            continue
        seen.add(key)
        hit = next((i for i, g in enumerate(rows) if _matches(f, g)), None)
        if hit is None:
            s.fp += 1
            s.fp_all += 1
            s.details.append(f"FP {f.person} | {f.title} | {f.organisation}")
            continue
        if hit in used_all:
            continue
        used_all.add(hit)
        s.tp_all += 1
        if rows[hit].get("scope") == "core":
            used.add(hit)
            s.tp += 1
        s.matched += 1
        s.dates_ok += _date_ok(f, rows[hit], str(gold.get("date_note", "")))
        s.evidence_ok += " ".join(f.sentence.split()) in flat and f.person in f.sentence
    for i, g in enumerate(rows):
        if i not in used_all:
            s.fn_all += 1
            if g.get("scope") == "core":
                s.fn += 1
                s.details.append(f"FN {g['person']} | {g['title']} | {g['organisation']}")
    return s


def seed_gazetteer() -> Gazetteer:
    """The units and people of the seed source's graph alone, read through the query service."""
    from kg.build import build
    from kg.config import Settings
    from kg.query import QueryService

    with tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp) / "sources"
        sources.mkdir()
        shutil.copytree(SEED, sources / SEED.name)
        settings = Settings.load(env={}, overrides={"store": str(Path(tmp) / "store"),
                                                    "sources_dir": str(sources), "query_workers": 1})
        build(settings)
        with QueryService(settings) as service:
            return Gazetteer.from_service(service)


def evaluate(eval_dir: Path, gazetteer: Gazetteer) -> tuple[list[tuple[str, Score]], Score]:
    results = []
    total = Score()
    for text_path in sorted(eval_dir.glob("*.txt")):
        gold = yaml.safe_load(text_path.with_suffix(".gold.yaml").read_text(encoding="utf-8"))
        text = text_path.read_text(encoding="utf-8")
        suggestions = resolve(read(text), gazetteer)
        s = score_file(suggestions.facts, gold, text)
        results.append((text_path.stem, s))
        total.add(s)
    return results, total


def report(results: list[tuple[str, Score]], total: Score, eval_dir: Path) -> str:
    def row(name: str, s: Score) -> str:
        p, r, f1 = Score.prf(s.tp, s.fp, s.fn)
        _, _, f1_all = Score.prf(s.tp_all, s.fp_all, s.fn_all)
        dates = f"{s.dates_ok}/{s.matched}" if s.matched else "–"
        evidence = f"{s.evidence_ok}/{s.matched}" if s.matched else "–"
        return (f"| {name} | {s.tp} | {s.fp} | {s.fn} | {p:.2f} | {r:.2f} | **{f1:.2f}** | {f1_all:.2f} "
                f"| {dates} | {evidence} |")

    lines = ["| text | TP | FP | FN | precision | recall | F1 (core) | F1 (all facts) | date ok "
             "| evidence ok |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    lines += [row(name, s) for name, s in results]
    lines.append(row("**micro-average**", total))
    errors = [f"- `{name}`: {d}" for name, s in results for d in s.details]
    return "\n".join(lines) + "\n\nErrors (FP: suggested, not gold; FN: gold, not suggested):\n\n" + (
        "\n".join(errors) if errors else "- none") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--write", type=Path, default=None, help="Put the table into this markdown file.")
    parser.add_argument("--marker", default="eval-suggest",
                        help="The name of the markers the table goes between (<!-- NAME:begin -->).")
    args = parser.parse_args(argv)
    results, total = evaluate(args.eval_dir, seed_gazetteer())
    table = report(results, total, args.eval_dir)
    print(table)
    if args.write:
        _write(args.write, table, args.marker)
    return 0


def _write(path: Path, table: str, marker: str = "eval-suggest") -> None:
    """Replace the table between the markers of docs/ingestion.md (the prose around it stays)."""
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    doc = path.read_text(encoding="utf-8") if path.exists() else ""
    if begin not in doc:
        doc += f"\n{begin}\n{end}\n"
    before, _, rest = doc.partition(begin)
    _, _, after = rest.partition(end)
    path.write_text(f"{before}{begin}\n{table}{end}{after}", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
