"""Shared field normalizers: salary, dates, contract, hours, remote, place, text, language."""
