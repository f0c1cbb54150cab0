from django.apps import AppConfig


class CrowdfundingConfig(AppConfig):
    name = "marquee.crowdfunding"
    label = "crowdfunding"
    verbose_name = "Crowdfunding"
