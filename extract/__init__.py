"""Reading PDFs into records: readers per input kind, one label-anchored field reader."""
