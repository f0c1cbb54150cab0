from enum import StrEnum


class AccountsErrorCode(StrEnum):
    USERNAME_TAKEN = "username_taken"
    EMAIL_TAKEN = "email_taken"
    WEAK_PASSWORD = "weak_password"
    TOKEN_NOT_FOUND = "token_not_found"
    INVALID_ROLE = "invalid_role"
    INVALID_USERNAME = "invalid_username"
    INVALID_EMAIL = "invalid_email"
    INVALID_DISPLAY_NAME = "invalid_display_name"
