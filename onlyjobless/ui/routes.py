"""Every page's route in one place."""

HOME = "/"
LOGIN = "/login"
REGISTER = "/register"
SETTINGS = "/settings"
CHAT = "/chat/[chat_id]"


def chat(chat_id: str) -> str:
    """The URL of one chat."""
    return f"/chat/{chat_id}"
