"""Keep the texts' gettext catalogue in step with the English source.

    python tools/catalogue.py         # refresh wording.pot, merge it into each .po, compile the .mo

The English dictionary in warmline/messaging/wording.py is the source: each entry becomes a
message whose context is its key and whose id is the English text. Translators edit the .po;
an entry whose English changed comes back marked fuzzy, and a fuzzy entry is not used (the tests
fail on it until someone re-reads the translation).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from warmline.messaging import wording

LOCALE = Path(wording.__file__).parent / "locale"


def template() -> Catalog:
    """Every English text, keyed by its context."""
    catalog = Catalog(project="Warmline", domain=wording.DOMAIN, fuzzy=False)
    for key, text in wording.ENGLISH.items():
        catalog.add(text, context=key, flags=["python-brace-format"])
    return catalog


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of a catalogue (fuzzy entries left out)."""
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def po_path(language: str) -> Path:
    """Where a language's .po lives."""
    return LOCALE / language / "LC_MESSAGES" / f"{wording.DOMAIN}.po"


def refresh() -> None:
    """Write the template, merge it into every translation, compile each."""
    pot = template()
    with (LOCALE / f"{wording.DOMAIN}.pot").open("wb") as out:
        write_po(out, pot, width=100, omit_header=True)
    for language in wording.TRANSLATED:
        path = po_path(language)
        with path.open("rb") as source:
            catalog = read_po(source, locale=language)
        catalog.update(pot, no_fuzzy_matching=False)
        with path.open("wb") as out:
            write_po(out, catalog, width=100, ignore_obsolete=True)
        path.with_suffix(".mo").write_bytes(compiled(catalog))
        print(f"{path}: {len(catalog)} texts")


if __name__ == "__main__":
    refresh()
    sys.exit(0)
