"""Tools for tests and benchmarks: throwaway local servers started from installed binaries."""
