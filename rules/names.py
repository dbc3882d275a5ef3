"""Matching people's names the way officers type them: any case, spacing or punctuation, surname
first or last ("Smith, John"), and the common short and alternative forms of given names
(Jon/John, Steve/Stephen/Steven, Mohammed/Muhammad, Kate/Catherine, Bill/William).

Names are stored with a normalised `name_key` ("O'Brien-Smith, Seán" -> "obrien smith sean").
A search turns what was typed into the set of keys a matching person could be stored under, so
the database is asked for exact keys (an index lookup), never for every name.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

# Each group is one name's usual forms; a name in several groups (Jon: John and Jonathan) takes all.
VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("john", "jon", "johnny", "jonny"),
    ("jonathan", "jon", "jonny", "johnathan"),
    ("stephen", "steven", "steve", "stevie", "stephan"),
    ("mohammed", "muhammad", "mohammad", "mohamed", "muhammed", "mohamad", "mohd", "mohammod"),
    ("catherine", "katherine", "kathryn", "catharine", "katharine", "kate", "katie", "cathy", "kathy", "cath"),
    ("william", "bill", "billy", "will", "willie", "wil"),
    ("robert", "rob", "robbie", "bob", "bobby"),
    ("richard", "rich", "richie", "rick", "ricky", "dick"),
    ("michael", "mike", "mick", "mickey", "micky", "mikey"),
    ("james", "jim", "jimmy", "jamie"),
    ("thomas", "tom", "tommy"),
    ("christopher", "chris", "kris"),
    ("christine", "christina", "chris", "chrissie", "kristine"),
    ("anthony", "antony", "tony"),
    ("daniel", "dan", "danny"),
    ("david", "dave", "davey", "davy"),
    ("joseph", "joe", "joey"),
    ("matthew", "mathew", "matt"),
    ("andrew", "andy", "drew"),
    ("alexander", "alex", "alistair", "alasdair", "sandy"),
    ("alexandra", "alex", "alexa", "sandra"),
    ("edward", "ed", "eddie", "ted", "teddy", "ned"),
    ("elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "libby"),
    ("margaret", "maggie", "meg", "peggy"),
    ("rebecca", "rebekah", "becky", "becca"),
    ("samantha", "sam", "sammie"),
    ("samuel", "sam", "sammy"),
    ("nicholas", "nicolas", "nick", "nicky"),
    ("benjamin", "ben", "benny"),
    ("patrick", "pat", "paddy"),
    ("patricia", "pat", "patsy", "trish", "tricia"),
    ("peter", "pete"),
    ("philip", "phillip", "phil"),
    ("jennifer", "jenny", "jen"),
    ("susan", "sue", "susie", "suzy"),
    ("deborah", "debra", "debbie", "debs"),
    ("sean", "shaun", "shawn", "shane"),
    ("lee", "leigh"),
    ("ann", "anne", "annie"),
    ("sara", "sarah"),
    ("clare", "claire", "clair"),
    ("geoffrey", "jeffrey", "geoff", "jeff"),
    ("kieran", "ciaran", "keiran"),
    ("zoe", "zoey"),
    ("terence", "terrence", "terry"),
    ("lawrence", "laurence", "larry"),
    ("frederick", "fred", "freddie", "freddy"),
    ("gregory", "greg"),
    ("raymond", "ray"),
    ("ronald", "ron", "ronnie"),
    ("kenneth", "ken", "kenny"),
    ("timothy", "tim", "timmy"),
    ("victoria", "vicky", "vicki", "tori"),
    ("jacqueline", "jackie", "jacky"),
    ("amanda", "mandy"),
    ("charles", "charlie", "chas"),
    ("charlotte", "charlie", "lottie"),
    ("nathan", "nate"),
    ("ahmed", "ahmad", "ahmet"),
    ("hussain", "hussein", "husain", "hussein"),
    ("yusuf", "yousef", "youssef", "yousuf", "yusef"),
    ("ibrahim", "ebrahim"),
    ("abdul", "abdel", "abdal"),
)

_VARIANTS: dict[str, frozenset[str]] = {}
for _group in VARIANT_GROUPS:
    for _name in _group:
        _VARIANTS[_name] = _VARIANTS.get(_name, frozenset()) | frozenset(_group)

MAX_KEYS = 256  # a bound on one search's IN list; past it only the first given name is varied
# A PNC id: the year the record was made (two digits, or four), a slash, a serial of up to seven
# digits and a check letter, e.g. 12/345678U (shown with the century and the serial's leading
# zeros left out, as the PNC shows it). The check letter: the two-digit year followed by the serial
# padded to seven digits, as one number, modulo 23; remainder 0 is Z, 1 to 22 are A to Y leaving out
# I, O and S (the PNC's data definition, as given in the Criminal Justice Hub's glossary and in
# HMPPS's person-record validator).
PNC_ID = re.compile(r"^(\d{2}(?:\d{2})?)/(\d{1,7})([A-Z])$")
PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
PNC_FORMAT = "two digits of the year, a slash, up to seven digits and the check letter, e.g. 12/345678U"


def births_agree(one: date | None, other: date | None) -> bool:
    """Two person rows may be one person as far as their dates of birth go: unless both are known
    and differ. (The names are matched apart: name_query, name_key.)"""
    return one is None or other is None or one == other


def fold(text: str) -> str:
    """Accents removed: "Seán Zoë" -> "Sean Zoe"."""
    if text.isascii():  # nothing to fold, and most names are: decomposing them cost a save 4% of its CPU
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(full_name: str) -> str:
    """The stored search form: lower case, accents folded, hyphens as spaces, other punctuation gone."""
    return _key(fold(full_name))


def unfolded_key(full_name: str) -> str:
    """The key of records stored before accents were folded: letters outside a-z were dropped."""
    return _key(full_name)


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z ]", "", text.lower().replace("-", " ")).split())


def variants(token: str) -> frozenset[str]:
    """A given name's usual forms, the name itself included."""
    return _VARIANTS.get(token, frozenset({token}))


def is_pnc_id(text: str) -> bool:
    return bool(PNC_ID.fullmatch(normalise_pnc_id(text)))


def normalise_pnc_id(text: str) -> str:
    """The PNC id as the PNC shows it (12/345678U for 2012/0345678u); other text only spaces removed
    and upper-cased, so a lookup by it still finds what was stored."""
    squeezed = "".join(text.split()).upper()
    match = PNC_ID.fullmatch(squeezed)
    if match is None:
        return squeezed
    year, serial, letter = match.groups()
    return f"{year[-2:]}/{int(serial)}{letter}"


def pnc_check_letter(year: str, serial: str) -> str:
    return PNC_CHECK_LETTERS[int(f"{year[-2:]}{int(serial):07d}") % len(PNC_CHECK_LETTERS)]


def pnc_id_problem(text: str) -> str | None:
    """What is wrong with a typed PNC id, or None. The check letter catches most mistyped digits."""
    match = PNC_ID.fullmatch("".join(text.split()).upper())
    if match is None:
        return f"That is not a PNC id. Type it as the PNC shows it: {PNC_FORMAT}."
    year, serial, letter = match.groups()
    if letter != pnc_check_letter(year, serial):
        return (
            "The PNC id's check letter does not match its number, so a digit or the letter is mistyped: "
            "check it on the PNC and type it again."
        )
    return None


@dataclass(frozen=True)
class NameQuery:
    """What a typed name may match: exact keys, and (first, last) pairs that match a stored name
    with middle names between them ("John Smith" finds "John Paul Smith")."""

    keys: frozenset[str]
    first_last: tuple[tuple[str, str], ...]  # the names as typed first, then their variants

    @property
    def empty(self) -> bool:
        return not self.keys


def name_query(typed: str) -> NameQuery:
    """Every key a person called `typed` could be stored under: both name orders, each given
    name's variants, and the name without its middle names."""
    orders = [tokens for tokens in {_tokens(typed, key) for key in (name_key, unfolded_key)} if tokens]
    keys: set[str] = set()
    literal: list[tuple[str, str]] = []
    varied: list[tuple[str, str]] = []
    for tokens in orders:
        for arranged in _arrangements(tokens):
            keys.update(" ".join(names) for names in _expand(arranged))
            if len(arranged) >= 2:
                firsts, lasts = sorted(variants(arranged[0])), sorted(variants(arranged[-1]))
                keys.update(f"{first} {last}" for first in firsts for last in lasts)
                literal.append((arranged[0], arranged[-1]))
                varied += [(first, last) for first in firsts for last in lasts]
    pairs = tuple(pair for pair in dict.fromkeys(literal + varied) if pair[0] != pair[1])
    return NameQuery(frozenset(keys), pairs)


def _tokens(typed: str, key: Callable[[str], str]) -> tuple[str, ...]:
    """'Smith, John Paul' is written surname first: read it as 'John Paul Smith'."""
    surname, comma, given = typed.partition(",")
    text = f"{given} {surname}" if comma and given.strip() else typed
    return tuple(key(text).split())


def _arrangements(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """As typed, and with the surname moved: a name may have been recorded surname first."""
    if len(tokens) < 2:
        return [tokens]
    return list(dict.fromkeys([tokens, (tokens[-1], *tokens[:-1]), (*tokens[1:], tokens[0])]))


def _expand(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    choices: list[list[str]] = [sorted(variants(t)) for t in tokens]
    if math.prod(len(options) for options in choices) > MAX_KEYS:
        choices = [sorted(variants(tokens[0])), *[[t] for t in tokens[1:]]]
    return list(itertools.product(*choices))
