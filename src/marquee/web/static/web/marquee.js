/* Marquee — small enhancements shared by the pages. Plain JavaScript, no library.
 * Every page works without it; this only makes things quicker to use. */
(function () {
  "use strict";
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

  // "Print this receipt".
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
