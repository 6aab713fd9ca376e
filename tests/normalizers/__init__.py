"""Tests of the field normalizers."""
