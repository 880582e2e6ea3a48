"""The meeting workbook: an .xlsx file with one sheet each for a meeting's agenda,
attendance, declarations and decisions, for officers who work in Excel or LibreOffice.

`layout.py` says which columns each sheet has (read from the Table Schemas), `write.py` makes
the workbook, `read.py` reads a filled one back into rows, and `merge.py` turns those rows into
additions and changes to the CSV tables, written through `scrutiny.edits`.
"""
