"""Real files for the documents tests (no tests here): a one-page PDF written by hand with a
correct cross-reference table, PNG and JPEG images drawn by Pillow, and files that are not
accepted types (a GIF, a Windows executable's header, plain text)."""

from __future__ import annotations

import io

from PIL import Image


def pdf(text: str = "Business licence") -> bytes:
    """A valid single-page PDF 1.4 showing ``text`` (ASCII)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def image(fmt: str, size: tuple[int, int] = (16, 16)) -> bytes:
    """A small RGB image saved as ``fmt`` (``PNG``, ``JPEG``, ``GIF``)."""
    buf = io.BytesIO()
    Image.new("RGB", size, (180, 40, 40)).save(buf, fmt)
    return buf.getvalue()


EXE_HEADER = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48)
TEXT = "营业执照 business licence\n".encode()
