"""The volunteers page's files: CSV import with a preview, CSV export, the monthly hours report."""
