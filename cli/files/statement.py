"""The personal statement (`explain … --out X.pdf`): what a disputing person takes home and can check.

Every step of the explanation as on screen (each counted fact with its note, date, source, recorder, points and
evidence names; the category caps, the S5 cap, disqualifications, shortlist, decision, reduction, final star;
the subject's appeals and their 复核),
the explanation's tables, and for each fact it rests on the receipt `kaoping receipt` issues: the signed
checkpoint, each event's leaf hash, and the receipt file itself attached inside the PDF, so that
`kaoping verify-receipt` can check it with only the center's public key.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any

from cli.appeal_lines import appeal_text
from cli.files import answers
from cli.files.out import target, write_new, written
from cli.files.pdf_file import FAMILY, heading, new_pdf, paragraph, pdf_table
from cli.render import dumps
from ledger.integrity.keys import recorded_key
from ledger.integrity.merkle import leaf_hash
from ledger.integrity.tlog_proof import parse_proof
from ledger.text import shown, shown_all

if TYPE_CHECKING:
    from cli.main import Session


def key_facts(doc: dict[str, Any]) -> list[str]:
    """The facts an explanation rests on: every counted fact, bonus line and disqualification cause, once each."""
    ids = [f["id"] for c in doc["categories"] for f in c["facts"]]
    ids += [b["id"] for b in doc["bonus"]["lines"]]
    ids += [i for d in doc["disqualifications"] for i in d["caused_by"]]
    return list(dict.fromkeys(ids))


def receipt_text(receipt: dict[str, Any]) -> bytes:
    """The receipt file's bytes, exactly as `kaoping receipt ID --out FILE` writes them."""
    return (dumps(receipt) + "\n").encode("utf-8")


def receipt_lines(receipt: dict[str, Any]) -> list[str]:
    """What the page says of one receipt: the fact, its events' positions and leaf hashes, the file's digest."""
    short = receipt["fact"][:8]
    out = [f"记录 {receipt['fact']}（附件 收据-{short}.json，sha256 "
           f"{hashlib.sha256(receipt_text(receipt)).hexdigest()}）"]
    for e in receipt["events"]:
        proof = parse_proof(e["tlog_proof"])
        out.append(f"    位置 {e['position']} 第 {e['originator_version']} 个事件 叶子哈希 "
                   f"{base64.b64encode(event_leaf(e)).decode()} 包含证明 {len(proof.proof)} 个哈希")
    return out


def event_leaf(event: dict[str, Any]) -> bytes:
    """The leaf hash of one receipt event: its tlog-proof's extra line is the leaf's data."""
    extra = parse_proof(event["tlog_proof"]).extra
    assert extra is not None  # kaoping's receipts always carry the leaf data
    return leaf_hash(extra)


def checkpoint_of(receipt: dict[str, Any]) -> str:
    """The signed checkpoint a receipt's events lead to (the same for every event of one receipt)."""
    return parse_proof(receipt["events"][0]["tlog_proof"]).checkpoint


def qr_png(textual: str) -> bytes:
    """A QR code of a text as PNG bytes (segno: pure Python, no image library needed)."""
    import io

    import segno

    buf = io.BytesIO()
    segno.make(textual, error="m").save(buf, kind="png", scale=3, border=2)
    return buf.getvalue()


def render(doc: dict[str, Any], receipts: list[dict[str, Any]], explanation: str, center: str,
           public_key: str) -> bytes:
    """The statement's PDF bytes."""
    pdf = new_pdf()
    pdf.add_page()
    title = answers.explain_title(doc)
    if doc["subject"]["type"] == "staff":
        title = title.replace("服务明星考评说明", "服务明星考评个人说明")
    heading(pdf, f"{center}\n{title}", 15)
    paragraph(pdf, "本说明由考评账本逐条推算生成：每条计分记录的说明、日期、来源、记录人和分值，各类扣分封顶、"
                   "加分上限、取消评比资格、入围名单、党组决定、减星和最终星级，以及申诉与复核结果。所附收据可离线核验每条记录确在签名的账本中。")
    pdf.ln(2)
    for line in explanation.split("\n"):
        paragraph(pdf, line or " ", 9)
    if doc.get("appeals"):  # 申诉 and 复核 (D29): what was disputed, and how the 复核 ended
        pdf.ln(2)
        paragraph(pdf, "申诉与复核", 11)
        for a in doc["appeals"]:
            paragraph(pdf, appeal_text(a), 9)
    for t in answers.explain_tables(doc):
        pdf_table(pdf, t, 7)
    pdf.add_page()
    heading(pdf, "核验信息（收据）", 13)
    if not receipts:
        paragraph(pdf, "本说明不依据任何记录（没有扣分、加分或取消资格），无需收据。")
    else:
        first = receipts[0]
        paragraph(pdf, f"签名检查点（账本 {first['origin']}，事件数 {first['size']}，根哈希 {first['root']}，"
                       f"密钥编号 {first['key_id']}）：", 9)
        pdf.set_font(FAMILY, size=8)
        note = checkpoint_of(first)
        pdf.multi_cell(0, 4, note, border=1, new_x="LMARGIN", new_y="NEXT")
        pdf.image(qr_png(note), w=35)
        paragraph(pdf, f"公钥：{public_key}", 8)
        pdf.ln(2)
        for r in receipts:
            for line in receipt_lines(r):
                paragraph(pdf, line, 8)
            pdf.embed_file(bytes=receipt_text(r), basename=f"收据-{r['fact'][:8]}.json",
                           desc=f"kaoping receipt {r['fact']}", mime_type="application/json")
        pdf.ln(2)
        paragraph(pdf, "核验方法：从本 PDF 的附件中取出收据文件，用中心公布的公钥运行 "
                       "kaoping verify-receipt 收据-XXXXXXXX.json --public-key 公钥.txt；收据有效即证明该记录的"
                       "每个事件都在上述签名检查点所覆盖的账本中，内容未被改动。", 9)
    return bytes(pdf.output())


def save(session: Session, doc: dict[str, Any], out: str) -> None:
    """Issue the receipts of the key facts, render the statement and write it to `out` (refused if it exists)."""
    from ledger.integrity import receipts as lr
    from projections.scoring.explain import render_explain

    path = target(out)
    assert path is not None
    ledger = session.ledger()
    from cli.files.fonts import find_cjk_font

    find_cjk_font()  # refuse before a receipt signs a checkpoint
    got = [lr.receipt(ledger, fid, session.key) for fid in key_facts(doc)]
    doc = shown_all(doc)  # every stored text as `shown` prints it
    text = render_explain(ledger.catalogue, doc)
    key = recorded_key(ledger)
    data = render(doc, got, text, shown(ledger.center().center), key.text() if key is not None else "")
    write_new(path, data)
    written(path)


def leaf_of(receipt: dict[str, Any]) -> bytes:
    """The first event's leaf hash of a receipt, as bytes (for tests and checks)."""
    return event_leaf(receipt["events"][0])
