"""Reference for the PDF benchmark: fpdf2 writes the same itemised table (same rows, same rows per page)."""
import csv
import sys

from fpdf import FPDF

usage_file, out, rows_per_page = sys.argv[1], sys.argv[2], int(sys.argv[3])
pdf = FPDF(format="A4", unit="pt")
pdf.set_auto_page_break(False)
with open(usage_file) as f:
    rows = list(csv.DictReader(f))
for index, row in enumerate(rows):
    if index % rows_per_page == 0:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 8)
        y = 60
        for x, head in zip((42, 128, 212, 318, 392, 500), ("Date", "Type", "Destination", "Quantity", "Bundle", "Charge")):
            pdf.text(x, y, head)
        pdf.set_font("Helvetica", "", 8)
        y += 14
    for x, value in zip((42, 128, 212, 318, 392, 500), (row["started_at"][:16], row["usage_type"], row["destination"],
                                                        row["duration_s"] or row["volume_bytes"] or "1", "", "0.00")):
        pdf.text(x, y, value)
    y += 12
pdf.output(out)
