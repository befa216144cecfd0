"""Every page's route in one place."""

HOME = "/"
LOGIN = "/login"
REGISTER = "/register"
SETTINGS = "/settings"
