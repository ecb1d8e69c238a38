"""Validation, aggregation, the history store and the Excel workbooks."""
