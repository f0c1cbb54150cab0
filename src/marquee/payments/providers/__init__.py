"""Payment providers: the interface (``base``), the real gateways (``alipay``,
``wechatpay``, ``stripe_checkout``), the simulator's provider half (``sim``,
never registered in production) and ``setup``, which builds them from settings."""
