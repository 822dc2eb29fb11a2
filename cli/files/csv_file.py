"""A document as CSV: UTF-8 with a byte-order mark so Excel opens the Chinese text right, tables one after another."""

from __future__ import annotations

import csv
import io

from cli.files.document import Document, text


def render(doc: Document) -> bytes:
    """The CSV bytes: the title and its lines, then each table (its title, headers, rows), a blank row between."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([doc.title])
    for line in doc.lines:
        w.writerow([line])
    for t in doc.tables:
        w.writerow([])
        w.writerow([t.title])
        w.writerow(t.headers)
        w.writerows([text(c) for c in row] for row in t.rows)
    return buf.getvalue().encode("utf-8-sig")
