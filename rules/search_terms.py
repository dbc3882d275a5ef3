"""The words a person can be found by: each word of their name, each word of their address and its
postcode, and for names, every spelling within one edit of the word.

One-edit matching works by deletion neighbourhoods: two words are within one edit (a letter left
out, added, changed, or two neighbouring letters swapped) only if deleting at most one letter from
each gives a common string. So each stored name word is kept with its *keys* (itself and the word
with each single letter deleted), a typed word is turned into its own keys, and the database finds
the candidates by exact lookups on the keys; `within_one_edit` then keeps the true matches. The
same lookups on every database give the same answers.
"""

from __future__ import annotations

import re

from rules.names import fold, name_key

# A one-letter slip in a word of three letters or fewer matches too many other names (Lee: Lea,
# Leo, Le, See, ...), so only words of this length or longer are matched within one edit.
FUZZY_FROM = 4
TERM_MAX = 64  # longer words are cut to this (stored and typed alike), so a term fits its column
# A UK postcode: the outward code (area, district) and the inward code (sector, unit).
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b")


def name_terms(full_name: str) -> frozenset[str]:
    """The words of a name as stored in its name_key: "O'Brien-Smith, Seán" -> obrien, smith, sean."""
    return frozenset(word[:TERM_MAX] for word in name_key(full_name).split())


def address_terms(address: str) -> frozenset[str]:
    """The words and numbers of an address, lower case, and each postcode in it written without its
    space ("B1 1AA" gives b1, 1aa and b11aa), so a postcode is found typed either way."""
    text = fold(address).upper()
    words = re.sub(r"[^A-Z0-9 ]", " ", text).lower().split()
    postcodes = [f"{outward}{inward}".lower() for outward, inward in POSTCODE.findall(text)]
    return frozenset(word[:TERM_MAX] for word in (*words, *postcodes))


def looks_like_address(typed: str) -> bool:
    """Whether an address search is worth running: an address is typed with a house number or a
    postcode, or as at least two words ("Acacia Avenue"); a single word is a name."""
    return any(c.isdigit() for c in typed) or len(address_terms(typed)) >= 2


def one_edit_keys(term: str) -> frozenset[str]:
    """The word itself and, if long enough to be matched within one edit, the word with each one
    letter deleted."""
    if len(term) < FUZZY_FROM:
        return frozenset({term})
    return frozenset({term, *(term[:i] + term[i + 1 :] for i in range(len(term)))})


def within_one_edit(typed: str, stored: str) -> bool:
    """At most one letter left out, added or changed, or two neighbouring letters swapped."""
    if typed == stored:
        return True
    if min(len(typed), len(stored)) < FUZZY_FROM - 1 or abs(len(typed) - len(stored)) > 1:
        return False
    if len(typed) == len(stored):
        diffs = [i for i, (a, b) in enumerate(zip(typed, stored, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        first, *rest = diffs
        return rest == [first + 1] and typed[first] == stored[first + 1] and typed[first + 1] == stored[first]
    shorter, longer = sorted((typed, stored), key=len)
    i = next((i for i, (a, b) in enumerate(zip(shorter, longer, strict=False)) if a != b), len(shorter))
    return shorter[i:] == longer[i + 1 :]
