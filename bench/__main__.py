"""``make bench``: accuracy on the sample inbox, then the whole ``egalite run`` against the bare libraries (issue 13),
on the project's samples and, where the development set is beside the project, on copies of a text-layer
questionnaire someone else made (a layout the reader was not written for).

``python -m bench.throughput`` measures the reading workers alone (issue 6).
"""
from pathlib import Path

from bench import accuracy, whole_run

OTHER_TEXT_LAYER = Path("../shared/devset/inbox/2026-058-transport-scolaire/TSA_questionnaire_egalite.pdf")

accuracy.main([])
print()
whole_run.main([])
if OTHER_TEXT_LAYER.is_file():
    print()
    whole_run.main(["--kinds", "text", "--sizes", "1000", "--seed", f"text={OTHER_TEXT_LAYER}"])
