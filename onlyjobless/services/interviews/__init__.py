"""The interview engine: the state machine of a chat, with no Reflex import.

start → answer … → (hint | model answer)* → finish/evaluate → retry. Every step is kept in
the chat store before anything else happens, so a reload or another device resumes exactly.
The LLM is called only for hints, model answers and the evaluation.

- views: what the edges receive (chat views, chat-list lines, report rows, stream events)
- transcript: a user's own chats and the messages said in them
- engine: the `Interviews` service (reading, start, answer, retry; streams are delegated)
- generation: hints and model answers streamed under the user's generation lease
- cuts: a stream's placeholder in the chat, shown as cut when its worker died mid-stream
- evaluation: the evaluation streamed question by question under the user's generation lease
- grading: one LLM call per answered question and one for the summary
- offline: the labelled estimate by meaning, for a question the LLM could not grade
- report: the chat's changes once evaluated, and the evaluation as Markdown
"""

from onlyjobless.services.interviews.engine import Interviews
from onlyjobless.services.interviews.views import (
    ChatLine,
    ChatList,
    ChatView,
    Delta,
    Done,
    Event,
    Failed,
    Graded,
    Progress,
    ReportRow,
    Reset,
    has_mistakes,
)

__all__ = [
    "ChatLine",
    "ChatList",
    "ChatView",
    "Delta",
    "Done",
    "Event",
    "Failed",
    "Graded",
    "Interviews",
    "Progress",
    "ReportRow",
    "Reset",
    "has_mistakes",
]
