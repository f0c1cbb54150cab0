from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "marquee.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"
