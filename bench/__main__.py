"""``make bench``: the throughput table of issue 6 (``python -m bench``)."""
from bench.throughput import main

main()
