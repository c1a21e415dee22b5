"""The stamp is written in pieces (the listing's signature, megabytes, is not copied into one
marshalled value first), and the pieces joined are exactly what marshal writes, so the reader
(``marshal.loads``) sees the same stamp."""

from __future__ import annotations

import marshal
import os

from budgetctl.loading import warm


def test_the_pieces_are_marshal_version_2_of_the_stamp() -> None:
    signature = os.urandom(200_000)
    stamp = (warm.FORMAT, ("a", "b", "", "/x", "k"), signature, (("p", "0" * 64),), 50_001, "f" * 64, False)
    pieces = warm.dumped(stamp)
    assert any(piece is signature for piece in pieces)  # not copied
    assert b"".join(pieces) == marshal.dumps(stamp, 2)
    assert marshal.loads(b"".join(pieces)) == stamp
    small = (warm.FORMAT, (), b"", (), 0, "", False)  # a mark: nothing large
    assert b"".join(warm.dumped(small)) == marshal.dumps(small, 2)
