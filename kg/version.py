"""The data version: a content hash of a build, so a citation pins the data it was made on.

The version of a store is the SHA-256 of its N-Quads, one quad per line as pyoxigraph writes
them (``<s> <p> <o> <g> .``, the default graph without ``<g>``), the lines sorted by their
UTF-8 bytes and each ended by ``\\n``. It depends on what the store holds and nothing else: two
builds of the same sources get the same version (the builder's blank node labels are stable),
and anyone can check it from a dump::

    tnmt-kg export -f nquads | LC_ALL=C sort | sha256sum

It is computed once, when a build is written (:func:`kg.store.new_build`), and kept in the
build's ``build.json``. People are shown the first :data:`SHORT` hex digits (file names,
links, the footer); the whole hash goes into citations.

>>> from pyoxigraph import Quad, NamedNode, Literal
>>> quads = [Quad(NamedNode("http://e/b"), NamedNode("http://e/p"), Literal("hai", language="vi")),
...          Quad(NamedNode("http://e/a"), NamedNode("http://e/p"), Literal("một", language="vi"))]
>>> content_hash(quads) == content_hash(reversed(quads))
True
>>> short(content_hash(quads))
'5f75ca9e73d2'
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable

from pyoxigraph import Quad, RdfFormat, serialize

#: Hex digits of the version shown to people and used in file names and links.
SHORT = 12

_HEX = re.compile(r"[0-9a-f]{8,64}")


def content_hash(quads: Iterable[Quad]) -> str:
    """The SHA-256 (hex) of the quads' sorted N-Quads lines (see the module doc).

    The serialisation goes through a temporary file, so only the sorted lines are held in
    memory (about the size of the N-Quads dump), not a second copy of the text.
    """
    with tempfile.TemporaryFile() as spool:
        serialize(quads, spool, RdfFormat.N_QUADS)
        spool.seek(0)
        lines = spool.read().splitlines()
    lines.sort()
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line)
        digest.update(b"\n")
    return digest.hexdigest()


def short(version: str) -> str:
    """The version as people see it: its first :data:`SHORT` characters."""
    return version[:SHORT]


def matches(given: str, version: str) -> bool:
    """Whether a version as given in a link or file name (a prefix of 8 or more hex digits,
    or the whole hash) names ``version``.

    >>> matches("4c7ecf44", "4c7ecf44d6b8aa"), matches("4c7e", "4c7ecf44d6b8aa"), matches("x", "")
    (True, False, False)
    """
    given = given.strip()
    if version and given == version:  # also a build id, for a build without a content hash
        return True
    given = given.lower()
    return bool(version) and bool(_HEX.fullmatch(given)) and version.startswith(given)


def fingerprint(*parts: object) -> str:
    """A stand-in version from a description of the data, for an engine whose content no build
    of ours hashed (the remote backend: its graph names and size). Weaker than
    :func:`content_hash`: a change that keeps the graphs and the count keeps it too.

    >>> len(fingerprint(["g1"], 10)), fingerprint(["g1"], 10) == fingerprint(["g1"], 11)
    (64, False)
    """
    return hashlib.sha256(os.fsencode(repr(parts))).hexdigest()
