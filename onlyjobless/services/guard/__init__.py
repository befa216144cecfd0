"""The misuse guard: answers that try to use the interview for something else (judged by meaning,
after the text's disguises are taken off), and model output that leaks the prompts."""

from onlyjobless.services.guard.judge import MARGIN, Guard, Question, Verdict, shared_guard

__all__ = ["MARGIN", "Guard", "Question", "Verdict", "shared_guard"]
