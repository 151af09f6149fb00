"""The same job posted again: postings whose company and title read alike once case and spacing
are set aside (e.g. the one job once per city).

Each posting carries a 64-bit key of that normalized pair, made at build time and kept in memory
by the loaded catalog, so finding a posting's reposts is a comparison over one array rather than
a query over every posting. A key is a hash, not the pair: two jobs may share one, so a match is
confirmed on the pair itself before anything is left out.
"""

from __future__ import annotations

import hashlib

KEY_BYTES = 8  # a signed 64-bit integer, stored with the catalog's other per-posting arrays


def job_name(company: str, title: str) -> tuple[str, str]:
    """The pair two postings of one job share: casefolded, runs of whitespace as one space."""
    return " ".join(company.casefold().split()), " ".join(title.casefold().split())


def job_key(company: str, title: str) -> int:
    """A stable 64-bit key of `job_name` (the same in every process and run, unlike `hash`)."""
    name = "\x1f".join(job_name(company, title)).encode("utf-8")
    digest = hashlib.blake2b(name, digest_size=KEY_BYTES).digest()
    return int.from_bytes(digest, "little", signed=True)
