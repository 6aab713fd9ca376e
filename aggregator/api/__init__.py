"""The portal's read-only search API (``aggregator serve``)."""
