"""Whether a question's prompt already tells the reader what to do.

The printed quiz and handout (quizgen.outputs.printing) and the web page (quizgen.outputs.web) print
a line under a prompt that says how to answer ("Choose all that apply."). A multiple-select prompt
that already says so gets no second line: this one rule decides it for both.
"""

from __future__ import annotations

from quizgen.bank.model import Question, QuestionType
from quizgen.i18n import N_, Translate

#: What a multiple-select prompt says when it already asks for every right answer.
ALL_THAT_APPLY = N_("all that apply")


def prompt_says_how(q: Question, _: Translate) -> bool:
    """The prompt already says "choose all that apply" (in the language of `_`, the bank's)."""
    return q.type is QuestionType.MULTIPLE_SELECT and _(ALL_THAT_APPLY).casefold() in q.prompt.casefold()
