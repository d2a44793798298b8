"""The English catalogues are complete, keep every placeholder, agree with each other, and their
committed .mo files are compiled from the committed .po files.

chiso/locale/en is the project catalogue; makemessages puts the strings of an app that has its
own locale directory (accounts, assessments, dashboard, web) into that app's catalogue, so those
are checked too. Django merges them into one table (the project's first, then the apps' in
INSTALLED_APPS order), so a word translated two ways shows only one of them everywhere: a word that
means two things ("Báo cáo": the Reporter role, the Reports page) needs a context
(``pgettext``, ``{% translate … context … %}``). No database: the files are read directly.
"""

import ast
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(PACKAGE.glob("**/locale/en/LC_MESSAGES/django.po"))
# %(name)s, %s, %d, %.1f ...; "%%" is a literal percent sign and is removed before matching. No space
# flag: "100% số" is a percent sign and a word, not a placeholder.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0+]*\d*(?:\.\d+)?[sdifr]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # msgstr is index 0
    flags: set[str] = field(default_factory=set)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (the header, msgid "", included; obsolete #~ entries not)."""
    entries: list[Entry] = []
    entry, keyword = Entry(), ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        starts_entry = not line or line.startswith("#") or line.startswith(("msgctxt", "msgid "))
        if starts_entry and entry.msgstr:  # whatever follows a msgstr begins the next entry
            entries.append(entry)
            entry, keyword = Entry(), ""
        if line.startswith("#~"):  # an obsolete entry: nothing of it (its flags) reaches the next one
            entry, keyword = Entry(), ""
            continue
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        if not line or line.startswith("#"):  # comments: flags, references, #| previous, #~
            continue
        if not line.startswith('"'):  # msgid "...", msgstr[1] "...": a keyword, then a string
            keyword, _, line = line.partition(" ")
        text = ast.literal_eval(line)
        if keyword == "msgid":
            entry.msgid += text
        elif keyword == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
        elif keyword == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + text
        else:  # msgstr or msgstr[N]
            index = int(keyword[7:-1]) if keyword != "msgstr" else 0
            entry.msgstr[index] = entry.msgstr.get(index, "") + text
    return entries


def placeholders(text: str) -> Counter[str]:
    """Each placeholder of text with how many times it occurs (a sentence pasted twice has twice
    as many)."""
    return Counter(match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", "")))


def messages(path: Path) -> list[Entry]:
    return [entry for entry in parse_po(path) if entry.msgid]


def label(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("po", CATALOGUES, ids=label)
def test_every_message_is_translated_and_not_fuzzy(po: Path) -> None:
    entries = messages(po)
    assert entries, f"{label(po)} has no messages"
    untranslated = [e.msgid for e in entries if not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"{label(po)}: no English for {untranslated}"
    assert not fuzzy, f"{label(po)}: fuzzy (unchecked) translations of {fuzzy}"


@pytest.mark.parametrize("po", CATALOGUES, ids=label)
def test_translations_keep_the_placeholders(po: Path) -> None:
    wrong = []
    for e in messages(po):
        for index, msgstr in e.msgstr.items():
            source = e.msgid_plural if index and e.msgid_plural is not None else e.msgid
            if placeholders(msgstr) != placeholders(source):
                wrong.append(f"{e.msgid!r} -> msgstr[{index}] {msgstr!r}")
    assert not wrong, f"{label(po)}: placeholders differ from the msgid in {wrong}"


@pytest.mark.parametrize("po", CATALOGUES, ids=label)
def test_compiled_catalogue_matches_the_po(po: Path) -> None:
    with po.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in messages(po):
        for index, msgstr in e.msgstr.items():
            if e.msgid_plural is None:
                got = (compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt is not None
                       else compiled.gettext(e.msgid))
            else:
                n = 1 if index == 0 else 2  # English: plural=(n != 1)
                got = (compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
                       if e.msgctxt is not None else compiled.ngettext(e.msgid, e.msgid_plural, n))
            if got != msgstr:
                stale.append(f"{e.msgid!r}: .mo has {got!r}, .po has {msgstr!r}")
    assert not stale, f"{label(po)}: the .mo is not compiled from the .po: {stale}"


def test_the_catalogues_agree_on_every_word() -> None:
    """One English text per (context, message): Django keeps only one of two, so the other page
    would show a word meant for somewhere else."""
    english: dict[tuple[str | None, str, bool], dict[str, tuple]] = {}
    for po in CATALOGUES:
        for e in messages(po):
            key = (e.msgctxt, e.msgid, e.msgid_plural is not None)
            english.setdefault(key, {})[label(po)] = tuple(sorted(e.msgstr.items()))
    differing = {key[1]: per for key, per in english.items() if len(set(per.values())) > 1}
    assert not differing, f"translated differently in different catalogues (give one a context): {differing}"
