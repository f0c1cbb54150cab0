"""Which providers exist: built from settings once, at start-up (``PaymentsConfig.ready``).

A real provider is registered when its credentials are all set; the
simulator only outside production. Start-up is refused
(:class:`~django.core.exceptions.ImproperlyConfigured`) when the provider
named by ``MARQUEE_PAYMENT_PROVIDER`` cannot be registered, when a provider
is half configured or its keys do not load, and — in production — when the
provider is ``sim``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from marquee.payments.providers.base import PaymentProvider
from marquee.payments.providers.keys import BadKey
from marquee.payments.registry import register_provider, simulator_allowed
from marquee.payments.transport import Transport


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    setting: str  # the settings dict holding its credentials
    required: dict[str, str]  # credential → environment variable
    build: Callable[..., PaymentProvider]


def _alipay(config: dict, public_url: str, transport: Transport | None) -> PaymentProvider:
    from marquee.payments.providers.alipay import AlipayProvider

    return AlipayProvider(
        app_id=config["app_id"],
        private_key=config["private_key"],
        alipay_public_key=config["alipay_public_key"],
        gateway=config.get("gateway") or "https://openapi.alipay.com/gateway.do",
        notify_url=f"{public_url}/api/v1/payments/webhooks/alipay",
        public_url=public_url,
        transport=transport,
    )


def _wechatpay(config: dict, public_url: str, transport: Transport | None) -> PaymentProvider:
    from marquee.payments.providers.wechatpay import DEFAULT_API_BASE, WechatPayProvider

    return WechatPayProvider(
        mchid=config["mchid"],
        appid=config["appid"],
        private_key=config["private_key"],
        cert_serial_no=config["cert_serial_no"],
        apiv3_key=config["apiv3_key"],
        platform_public_key=config["platform_public_key"],
        platform_serial=config["platform_serial"],
        api_base=config.get("api_base") or DEFAULT_API_BASE,
        notify_url=f"{public_url}/api/v1/payments/webhooks/wechatpay",
        transport=transport,
    )


def _stripe(config: dict, public_url: str, transport: Transport | None) -> PaymentProvider:
    from marquee.payments.providers.stripe_checkout import StripeProvider

    return StripeProvider(
        secret_key=config["secret_key"],
        webhook_secret=config["webhook_secret"],
        public_url=public_url,
        transport=transport,
    )


SPECS = {
    spec.name: spec
    for spec in (
        ProviderSpec(
            "alipay",
            "MARQUEE_ALIPAY",
            {
                "app_id": "MARQUEE_ALIPAY_APP_ID",
                "private_key": "MARQUEE_ALIPAY_PRIVATE_KEY",
                "alipay_public_key": "MARQUEE_ALIPAY_PUBLIC_KEY",
            },
            _alipay,
        ),
        ProviderSpec(
            "wechatpay",
            "MARQUEE_WECHATPAY",
            {
                "mchid": "MARQUEE_WECHATPAY_MCHID",
                "appid": "MARQUEE_WECHATPAY_APPID",
                "private_key": "MARQUEE_WECHATPAY_PRIVATE_KEY",
                "cert_serial_no": "MARQUEE_WECHATPAY_CERT_SERIAL_NO",
                "apiv3_key": "MARQUEE_WECHATPAY_APIV3_KEY",
                "platform_public_key": "MARQUEE_WECHATPAY_PLATFORM_PUBLIC_KEY",
                "platform_serial": "MARQUEE_WECHATPAY_PLATFORM_SERIAL",
            },
            _wechatpay,
        ),
        ProviderSpec(
            "stripe",
            "MARQUEE_STRIPE",
            {
                "secret_key": "MARQUEE_STRIPE_SECRET_KEY",
                "webhook_secret": "MARQUEE_STRIPE_WEBHOOK_SECRET",
            },
            _stripe,
        ),
    )
}


def build_provider(name: str, *, transport: Transport | None = None) -> PaymentProvider | None:
    """The provider ``name`` built from settings; ``None`` when none of it is configured.

    Raises :class:`ImproperlyConfigured` naming the missing environment
    variables when only part of it is, or when a key does not load.
    """
    spec = SPECS[name]
    config = dict(getattr(settings, spec.setting, None) or {})
    missing = [env for key, env in spec.required.items() if not config.get(key)]
    if len(missing) == len(spec.required):
        return None
    public_url = getattr(settings, "MARQUEE_PUBLIC_URL", "")
    if not public_url.startswith(("https://", "http://")):
        missing.append("MARQUEE_PUBLIC_URL")
    if missing:
        raise ImproperlyConfigured(
            f"The {name} payment provider is not fully configured: set {', '.join(missing)} "
            "(docs/payments.md)."
        )
    try:
        return spec.build(config, public_url.rstrip("/"), transport)
    except (BadKey, ValueError) as exc:
        raise ImproperlyConfigured(f"The {name} payment provider's keys: {exc}.") from None


def register_configured_providers() -> list[str]:
    """Register every configured provider (and the simulator outside production).

    Returns the registered names. Raises :class:`ImproperlyConfigured` as the
    module says.
    """
    names = []
    if simulator_allowed():
        from marquee.payments.providers.sim import SimProvider

        register_provider(SimProvider())
        names.append("sim")
    for name in SPECS:
        provider = build_provider(name)
        if provider is not None:
            register_provider(provider)
            names.append(name)
    selected = getattr(settings, "MARQUEE_PAYMENT_PROVIDER", "") or "sim"
    if selected not in names:
        if selected == "sim":
            reason = "the simulated gateway does not exist in production"
        elif selected in SPECS:
            envs = ", ".join(SPECS[selected].required.values())
            reason = f"it is not configured (set {envs} and MARQUEE_PUBLIC_URL)"
        else:
            reason = f"there is no such provider (known: {', '.join(SPECS)})"
        raise ImproperlyConfigured(f"MARQUEE_PAYMENT_PROVIDER={selected!r}: {reason}.")
    return names
