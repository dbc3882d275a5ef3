"""The legal register (rules/register.py, rendered to rules/LEGAL.md) covers every rule the tables
apply, cites each exactly as the code does, and knows every citation written anywhere in rules/,
services/, blocks/ and the README's "The law in code" section."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rules.register import (
    ABBREVIATIONS,
    OPEN_QUESTIONS,
    REGISTER,
    applied_rules,
    clock_days,
    render_markdown,
    statutes,
)

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("rules", "services", "blocks")
REGISTER_SOURCE = ROOT / "rules" / "register.py"  # the register itself: its quotations and questions

# Act names as the code writes them, long or short: both spellings name one Act.
ACTS: dict[str, str] = {short: short for short, _ in ABBREVIATIONS}
ACTS.update({full: short for short, full in ABBREVIATIONS})
ACTS.update({"Sentencing Act 2020": "Sentencing Act 2020", "Police Act 1996": "Police Act 1996"})
_ACT = "|".join(re.escape(name) for name in sorted(ACTS, key=len, reverse=True))
_PART = r"\([0-9A-Za-z]+\)"
_SECTION = rf"\d+[A-Z]*(?:{_PART})*(?:-(?:\d+[A-Z]*|[A-Z]+)?(?:{_PART})*)?"
# One reference: "s26(2)(a)", "ss24-26", "s27(3)-(4)", "Sch 2 para 1(6)"; or, after a comma or "and",
# a continuation of the one before: "(4)", or "35(10)" after "ss33(10)".
_SEP = r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)"
FIRST = re.compile(rf"\s+(?P<ref>ss?{_SECTION}|Sch \d+(?: para {_SECTION})?)")
NEXT = re.compile(rf"{_SEP}(?P<ref>ss?{_SECTION}|Sch \d+(?: para {_SECTION})?|(?:{_PART})+(?:-(?:{_PART})+)?)")
NEXT_PLURAL = re.compile(rf"{_SEP}(?P<ref>{_SECTION})")
BARE = re.compile(rf"(?<!\w)(?P<ref>ss?{_SECTION}|Sch \d+(?: para {_SECTION})?)")
TOKEN = re.compile(rf"(?P<act>\b(?:{_ACT}))\b|(?<!\w)(?=ss?\d|Sch \d)")


@dataclass(frozen=True)
class Atom:
    """One provision: an Act, a section (or schedule paragraph) and its subdivisions."""

    act: str
    section: str  # "" for the Act as a whole
    parts: tuple[str, ...] = ()

    def __str__(self) -> str:
        if not self.section:
            return self.act
        mark = " " if self.section.startswith("Sch") else " s"
        return f"{self.act}{mark}{self.section}" + "".join(f"({p})" for p in self.parts)


def _expand(act: str, ref: str, section: str) -> tuple[list[Atom], str]:
    """Atoms in one reference; `section` is the last section named, for a bare "(4)"."""
    if ref.startswith("Sch"):
        return [Atom(act, ref)], section
    if ref.startswith("("):
        body = section
    else:
        ref = ref.lstrip("s")
        match = re.match(r"\d+[A-Z]*", ref)
        assert match, ref
        body, ref = match.group(), ref[match.end() :]
    first, dash, last = ref.partition("-")
    parts = tuple(re.findall(r"\(([0-9A-Za-z]+)\)", first))
    atoms = [Atom(act, body, parts)]
    if dash:
        end_section = re.match(r"\d+[A-Z]*|[A-Z]+", last)
        end_parts = tuple(re.findall(r"\(([0-9A-Za-z]+)\)", last))
        if end_section:  # "ss24-26", "s47ZF-ZG": the sections at each end, and between where numeric
            end = end_section.group()
            end = end if end[0].isdigit() else re.match(r"\d+", body).group() + end  # type: ignore[union-attr]
            if body.isdigit() and end.isdigit():
                atoms = [Atom(act, str(n)) for n in range(int(body), int(end) + 1)]
            else:
                atoms.append(Atom(act, end, end_parts))
        elif end_parts and parts:  # "s41(4)-(6)", "s26(2)(a)-(b)": the last part ranges
            lo, hi = parts[-1], end_parts[-1]
            if lo.isdigit() and hi.isdigit():
                atoms = [Atom(act, body, (*parts[:-1], str(n))) for n in range(int(lo), int(hi) + 1)]
            else:
                atoms.append(Atom(act, body, (*parts[: len(parts) - len(end_parts)], *end_parts)))
    return atoms, body


def citations(text: str) -> Iterator[Atom]:
    """Every provision a piece of text cites. A reference after an Act's name belongs to it, and so
    does a bare "s9" later in the same text ("PACE 1984 s47ZB(1)(b) ... 6 by an inspector (s47ZD)")."""
    act: str | None = None
    position = 0
    while match := TOKEN.search(text, position):
        if match.group("act"):
            act = ACTS[match.group("act")]
            position = match.end()
            first = FIRST.match(text, position)
            if first is None:
                yield Atom(act, "")
                continue
        else:
            first = BARE.match(text, match.start())
            if act is None or first is None:
                position = match.start() + 1
                continue
        atoms, section = _expand(act, first.group("ref"), "")
        yield from atoms
        plural = first.group("ref").startswith("ss")
        position = first.end()
        while follow := NEXT.match(text, position) or (NEXT_PLURAL.match(text, position) if plural else None):
            atoms, section = _expand(act, follow.group("ref"), section)
            yield from atoms
            position = follow.end()


def known_atoms() -> set[Atom]:
    known: set[Atom] = set()
    for e in REGISTER:
        for cited in (e.citation, *e.also_cites):
            known.update(citations(cited))
    for statute in statutes().values():
        known.update(citations(statute))
    return known


def covered(atom: Atom, known: set[Atom]) -> bool:
    """Cited no more finely than the register: the same provision, or one that contains it ("s27"
    where the register has "s27(3)"). A finer or different subsection is not covered."""
    if not atom.section:
        return any(k.act == atom.act for k in known)
    return any(
        k.act == atom.act and k.section == atom.section and k.parts[: len(atom.parts)] == atom.parts for k in known
    )


def string_literals(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):  # an f-string: its literal pieces, joined
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            yield node.lineno, text


def readme_law_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## The law in code")
    end = readme.index("\n## ", start + 1)
    return readme[start:end]


# --- the parser itself, on the shapes the code writes ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DAA 2021 s26(2)(a), (4)", ["DAA 2021 s26(2)(a)", "DAA 2021 s26(4)"]),
        ("CSA 2010 s26(2)-(3)", ["CSA 2010 s26(2)", "CSA 2010 s26(3)"]),
        ("DAA 2021 s41(4)-(6)", ["DAA 2021 s41(4)", "DAA 2021 s41(5)", "DAA 2021 s41(6)"]),
        ("Crime and Security Act 2010 ss24-26", ["CSA 2010 s24", "CSA 2010 s25", "CSA 2010 s26"]),
        ("(CSA 2010 s26, s29; DAA 2021 s26(2)(b))", ["CSA 2010 s26", "CSA 2010 s29", "DAA 2021 s26(2)(b)"]),
        ("Stalking Protection Act 2019 s11(1)(a)), not a breach (s8)", ["SPA 2019 s11(1)(a)", "SPA 2019 s8"]),
        ("FLA 1996 ss33(10), 35(10)", ["FLA 1996 s33(10)", "FLA 1996 s35(10)"]),
        ("bank holiday (Boxing Day), BFDA 1971 Sch 1", ["BFDA 1971 Sch 1"]),
        (
            "PACE 1984 s47ZB(4)(a)): 3 months (s47ZB(1)(b)), 6 (s47ZD)",
            ["PACE 1984 s47ZB(4)(a)", "PACE 1984 s47ZB(1)(b)", "PACE 1984 s47ZD"],
        ),
        ("48 hours of service, 2 months' custody", []),
    ],
)
def test_citations_are_read_as_the_code_writes_them(text: str, expected: list[str]) -> None:
    assert [str(atom) for atom in citations(text)] == expected


def test_a_finer_or_different_subsection_than_the_register_is_not_covered() -> None:
    known = known_atoms()
    assert covered(Atom("CSA 2010", "27"), known)  # the section, where the register cites s27(3)-(4)
    assert covered(Atom("DAA 2021", "26", ("2",)), known)  # s26(2): both limbs the register cites
    assert not covered(Atom("CSA 2010", "26", ("2",)), known)  # s26's subsections are not verified
    assert not covered(Atom("CSA 2010", "29", ("1",)), known)  # the old DVPO power-of-arrest citation
    assert covered(Atom("DAA 2021", "38", ("3",)), known)  # s38(3), read in a copy of the Act
    assert not covered(Atom("DAA 2021", "38", ("7",)), known)  # a subsection the register does not cite


# --- the register against the tables ---


def test_every_rule_in_the_tables_has_a_register_entry_with_the_same_citation() -> None:
    by_id = {e.id: e for e in REGISTER}
    missing = [rule.id for rule in applied_rules() if rule.id not in by_id]
    assert missing == [], f"rules with no register entry: {missing}"
    for rule in applied_rules():
        entry = by_id[rule.id]
        if rule.citation:
            assert entry.citation == rule.citation, f"{rule.id}: table {rule.citation!r}, register {entry.citation!r}"
        else:  # the citation sits inside a sentence: the register's must be the one in it
            assert entry.citation and entry.citation in rule.text, f"{rule.id}: {entry.citation!r} not in {rule.text!r}"
        if rule.clock is not None:
            assert entry.excluded_days == clock_days(rule.clock), f"{rule.id}: the clock's excluded days differ"


def test_register_ids_are_unique_and_name_no_rule_the_tables_lack() -> None:
    ids = [e.id for e in REGISTER]
    assert len(ids) == len(set(ids))
    table_ids = {rule.id for rule in applied_rules()}
    table_kinds = (
        ".rank",
        ".age.perpetrator",
        ".age.protected",
        ".hearing",
        ".breach_arrest",
        ".duration",
        ".notification",
        ".breach",
        ".power_of_arrest",
        ".notification.failure",
    )
    stale = [i for i in ids if (i.endswith(table_kinds) or ".extension." in i) and i not in table_ids]
    assert stale == [], f"register entries for rules the tables no longer have: {stale}"


def test_every_entry_says_whether_it_was_verified_and_where() -> None:
    for e in REGISTER:
        if e.verified:
            assert e.words and e.source.startswith("http"), e.id
        else:
            assert e.source.startswith(("not read", "https://www.legislation", "not law")), e.id
            assert "not" in e.source, e.id


def test_legal_md_is_the_rendered_register() -> None:
    on_disk = (ROOT / "rules" / "LEGAL.md").read_text(encoding="utf-8")
    assert on_disk == render_markdown(), "rules/LEGAL.md is stale: run `python -m rules.register > rules/LEGAL.md`"
    for question in OPEN_QUESTIONS:
        assert question in on_disk


# --- every citation anywhere matches the register ---


def test_every_citation_in_the_code_is_in_the_register() -> None:
    known = known_atoms()
    unknown: list[str] = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == REGISTER_SOURCE:
                continue
            for line, text in string_literals(path):
                unknown += [
                    f"{path.relative_to(ROOT)}:{line}: {atom}" for atom in citations(text) if not covered(atom, known)
                ]
    assert unknown == [], "citations the register does not know:\n" + "\n".join(unknown)


def test_every_citation_in_the_readme_law_section_is_in_the_register() -> None:
    known = known_atoms()
    unknown = [str(atom) for atom in citations(readme_law_section()) if not covered(atom, known)]
    assert unknown == [], f"README 'The law in code' cites what the register does not: {unknown}"
