"""Every page's route in one place."""

HOME = "/"
LOGIN = "/login"
REGISTER = "/register"
SETTINGS = "/settings"
CHAT = "/chat/[chat_id]"
REPORT = "/chat/[chat_id]/report"
PROGRESS = "/progress"


def chat(chat_id: str) -> str:
    """The URL of one chat."""
    return f"/chat/{chat_id}"


def report(chat_id: str) -> str:
    """The URL of a chat's evaluation report."""
    return f"/chat/{chat_id}/report"
