"""Data access: keyword-only async functions over an open connection; no SQL in handlers."""
