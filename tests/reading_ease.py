"""Reading ease of the Spanish edition, measured as tests/test_content.py measures it.

Run from the repository root: `python tests/reading_ease.py` (add `-v` for every text's scores).
textstat 0.7.8 with set_lang("es"): Fernández-Huerta and Szigriszt-Pazos over the 86 prompts (cloze
blanks filled) and the 86 explanations, each text scored on its own.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from test_content import BANK_DIR, ES_DIR, graded_prompt
from textstat.textstat import textstatistics

from quizgen.bank.loader import load_banks


def main() -> None:
    es = textstatistics()
    es.set_lang("es")
    bank = {b.id: b for b in load_banks([BANK_DIR, ES_DIR], strict=True)}["calcineurin-lupus-es"]
    kinds = {
        "prompts": [graded_prompt(q) for q in bank.questions],
        "explanations": [q.explanation for q in bank.questions],
    }
    kinds["all"] = kinds["prompts"] + kinds["explanations"]
    for kind, texts in kinds.items():
        fh = [float(es.fernandez_huerta(t)) for t in texts]
        sp = [float(es.szigriszt_pazos(t)) for t in texts]
        print(
            f"{kind:13s} n={len(texts):3d}  Fernández-Huerta mean {statistics.mean(fh):.1f} "
            f"({min(fh):.1f} to {max(fh):.1f})  Szigriszt-Pazos mean {statistics.mean(sp):.1f} "
            f"({min(sp):.1f} to {max(sp):.1f})"
        )
    if "-v" in sys.argv:
        ids = [q.id for q in bank.questions] * 2
        for qid, text in zip(ids, kinds["all"], strict=True):
            fh, sp = float(es.fernandez_huerta(text)), float(es.szigriszt_pazos(text))
            print(f"{fh:6.1f} {sp:6.1f} {qid} {text}")


if __name__ == "__main__":
    main()
