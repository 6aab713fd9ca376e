"""Shared field normalizers: salary, dates, contract, working time, remote, place, text, language."""
