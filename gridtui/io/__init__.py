"""The office's files: registers and reports to Excel/CSV, household rosters in from Excel/CSV."""
