"""Shared field normalizers: salary, dates, contract, working time, remote, location, text, language."""
