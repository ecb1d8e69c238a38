"""The version of the extraction, apart from the readers: checking the cache must not import them."""

EXTRACTOR_VERSION = "4"  # bump when extraction changes, so cached records are read again
