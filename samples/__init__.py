"""The sample inbox generator and its committed output (samples/inbox, samples/truth)."""
