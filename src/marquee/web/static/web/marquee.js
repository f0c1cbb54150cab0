/* Marquee — small enhancements shared by the pages. Plain JavaScript, no library.
 * Every page works without it; this only makes things quicker to use. */
(function () {
  "use strict";
  // The base template loads this file on every page and some pages name it
  // again: bind everything once.
  if (window.marqueeEnhanced) return;
  window.marqueeEnhanced = true;
  document.documentElement.classList.add("js");

  // Things that only make sense with JavaScript start hidden in the HTML.
  document.querySelectorAll("[data-js-only]").forEach(function (el) {
    el.hidden = false;
  });

  // City picker: choosing a city is enough, no need to press the button.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var button = select.form && select.form.querySelector("button[type=submit]");
    if (button) button.classList.add("visually-hidden");
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  // Forms that move money: one click is one submission.
  document.querySelectorAll("form[data-disable-on-submit]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        window.setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });

  // Forms that need a second thought.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // The hold countdown on checkout. The server says how many seconds are left;
  // counting from page load (not the device clock) keeps a wrong clock harmless.
  document.querySelectorAll("[data-countdown]").forEach(function (box) {
    var remaining = parseInt(box.getAttribute("data-remaining"), 10) || 0;
    var deadline = Date.now() + remaining * 1000;
    var out = box.querySelector("[data-countdown-time]");
    var expired = box.querySelector("[data-countdown-expired]");
    var timer = null;
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var text = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (out && out.textContent !== text) out.textContent = text;
      box.classList.toggle("is-urgent", left <= 60);
      if (left <= 0) {
        if (expired) expired.hidden = false;
        document.querySelectorAll("[data-countdown-disable]").forEach(function (b) {
          b.disabled = true;
        });
        if (timer) window.clearInterval(timer);
      }
    }
    tick();
    timer = window.setInterval(tick, 1000);
  });

  // Confirmations ("Payment received", "1 ticket refunded") stay on screen: the
  // list sticks to the top of the viewport (CSS) even when the page jumps to the
  // order's anchor, until the visitor dismisses it.
  document.querySelectorAll("[data-flash-close]").forEach(function (button) {
    button.addEventListener("click", function () {
      var item = button.closest(".flash__item");
      var list = item && item.parentElement;
      if (item) item.remove();
      if (list && !list.children.length) list.remove();
    });
  });

  // The refund page's total follows the ticked tickets.
  document.querySelectorAll("[data-refund-form]").forEach(function (form) {
    var out = form.querySelector("[data-refund-total]");
    var currency = form.getAttribute("data-currency");
    var lang = document.documentElement.getAttribute("lang") || "en";
    var locale = { "zh-hans": "zh-CN", "zh-hant": "zh-HK" }[lang.toLowerCase()] || "en";
    var digits = { JPY: 0, KRW: 0, KWD: 3 }[currency];
    if (digits === undefined) digits = 2;
    var format = null;
    try {
      format = new Intl.NumberFormat(locale, { style: "currency", currency: currency });
    } catch (e) {
      format = null;
    }
    function money(minor) {
      var major = minor / Math.pow(10, digits);
      return format ? format.format(major) : major.toFixed(digits) + " " + currency;
    }
    function total() {
      var sum = 0;
      form.querySelectorAll("input[data-refund-minor]").forEach(function (input) {
        if (input.checked) sum += parseInt(input.getAttribute("data-refund-minor"), 10) || 0;
      });
      if (out) out.textContent = money(sum);
    }
    form.addEventListener("change", total);
    total();
  });

  // "Print this receipt".
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
