/* Marquee — the interactive seat map. Plain JavaScript, written for this repository.
 *
 * The server draws the map as a form of checkboxes (it works without this
 * script). This script adds: couple seats chosen as a pair, the per-order
 * maximum, the price of the selection, arrow-key movement between seats
 * (one tab stop for the whole map), zoom (fitted to the width, a finger's tap
 * zooms to tappable seats), and a live refresh from
 * GET /api/v1/ticketing/showtimes/<id>/seats — a seat someone else takes
 * while you pick is released from your selection with a clear message.
 */
(function () {
  "use strict";
  var form = document.getElementById("seat-form");
  if (!form) return;

  var max = parseInt(form.getAttribute("data-max"), 10) || 6;
  var exact = form.getAttribute("data-exact") === "1";
  var currency = form.getAttribute("data-currency");
  var fee = parseInt(form.getAttribute("data-fee"), 10) || 0;
  var api = form.getAttribute("data-api");
  var lang = form.getAttribute("data-lang") || "en";
  var alertBox = document.getElementById("seat-alert");
  var list = form.querySelector("[data-selection-list]");
  var totalOut = form.querySelector("[data-selection-total]");
  var feeOut = form.querySelector("[data-selection-fee]");
  var map = form.querySelector(".seatmap");
  var inputs = Array.prototype.slice.call(form.querySelectorAll(".seatmap input[name=seats]"));
  var byCode = {};
  inputs.forEach(function (input) { byCode[input.value] = input; });

  var locale = { "zh-hans": "zh-CN", "zh-hant": "zh-HK" }[lang] || "en";
  var digits = { JPY: 0, KRW: 0, KWD: 3 }[currency];
  if (digits === undefined) digits = 2;
  var formatter = null;
  try {
    formatter = new Intl.NumberFormat(locale, { style: "currency", currency: currency });
  } catch (e) {
    formatter = null;
  }
  function money(minor) {
    var major = minor / Math.pow(10, digits);
    return formatter ? formatter.format(major) : major.toFixed(digits) + " " + currency;
  }

  function say(text) {
    if (!alertBox) return;
    alertBox.textContent = text;
    alertBox.hidden = !text;
  }

  function cell(input) { return input.parentElement; }

  function setState(input, state) {
    var label = cell(input);
    ["is-free", "is-held", "is-sold", "is-closed", "is-selected"].forEach(function (c) {
      label.classList.remove(c);
    });
    label.classList.add(input.checked ? "is-selected" : "is-" + state);
  }

  function chosen() {
    return inputs.filter(function (i) { return i.checked; });
  }

  function update() {
    var picked = chosen();
    inputs.forEach(function (i) {
      if (!i.disabled) setState(i, "free");
    });
    if (!picked.length) {
      list.textContent = form.getAttribute("data-msg-nothing");
      totalOut.textContent = "—";
      feeOut.textContent = "";
      return;
    }
    var sum = 0;
    list.textContent = picked.map(function (i) {
      sum += parseInt(i.getAttribute("data-price"), 10) || 0;
      return i.getAttribute("data-label");
    }).join(", ");
    var fees = fee * picked.length;
    totalOut.textContent = money(sum + fees);
    feeOut.textContent = fees ? "(" + money(sum) + " + " + money(fees) + ")" : "";
  }

  function partnerOf(input) {
    var code = input.getAttribute("data-partner");
    return code ? byCode[code] : null;
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.name !== "seats") return;
    var partner = partnerOf(input);
    if (partner && !partner.disabled) partner.checked = input.checked;
    if (chosen().length > max) {
      input.checked = false;
      if (partner) partner.checked = false;
      say(form.getAttribute("data-msg-max"));
    } else {
      say("");
    }
    update();
  });

  form.addEventListener("submit", function (event) {
    var count = chosen().length;
    if (!count) {
      event.preventDefault();
      say(form.getAttribute("data-msg-none"));
      return;
    }
    if (exact && count !== max) {
      event.preventDefault();
      say(form.getAttribute("data-msg-max"));
      return;
    }
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      window.setTimeout(function () { b.disabled = true; }, 0);
    });
  });

  // --- keyboard: one tab stop, arrows move between seats --------------------------
  function pos(input) {
    var style = cell(input).style;
    return { x: parseInt(style.gridColumnStart, 10), y: parseInt(style.gridRowStart, 10) };
  }
  var positions = new Map();
  inputs.forEach(function (i) { positions.set(i, pos(i)); });

  function focusable() { return inputs.filter(function (i) { return !i.disabled; }); }
  function rove(target) {
    inputs.forEach(function (i) { i.tabIndex = i === target ? 0 : -1; });
    if (target) target.focus();
  }
  (function initialStop() {
    var start = chosen()[0] || focusable()[0];
    inputs.forEach(function (i) { i.tabIndex = i === start ? 0 : -1; });
  })();

  function nearest(from, dx, dy) {
    var p = positions.get(from);
    var best = null;
    var bestScore = Infinity;
    focusable().forEach(function (i) {
      if (i === from) return;
      var q = positions.get(i);
      var ax = q.x - p.x;
      var ay = q.y - p.y;
      var along = dx ? ax * dx : ay * dy;
      var across = dx ? Math.abs(ay) : Math.abs(ax);
      if (along <= 0) return;
      var score = along + across * 4;
      if (score < bestScore) { bestScore = score; best = i; }
    });
    return best;
  }

  map.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input || input.name !== "seats") return;
    var step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
    if (step) {
      event.preventDefault();
      var next = nearest(input, step[0], step[1]);
      if (next) rove(next);
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      var all = focusable();
      rove(event.key === "Home" ? all[0] : all[all.length - 1]);
    }
  });
  map.addEventListener("focusin", function (event) {
    if (event.target && event.target.name === "seats") rove(event.target);
  });

  // --- zoom: the whole hall at a glance, seats picked at a tappable size ------------
  // Levels: "fit" (the hall as wide as its box, however small its seats) and then
  // 32, 40 and 48 px seats. A hall that fits at a tappable size simply starts
  // there. On a phone a wide hall starts fitted: a tap on the map zooms to 32 px
  // seats centred on the tap, so the seat under the finger is in view and the
  // next tap picks it; no seat is ever picked at less than 32 px by a tap.
  var TAPPABLE = 32;
  var scroller = form.querySelector(".seatmap-scroll");
  var zoomOut = form.querySelector('[data-zoom="-1"]');
  var zoomIn = form.querySelector('[data-zoom="1"]');
  var overviewHint = form.querySelector("[data-zoom-hint]");
  function units() {
    var seatsWide = 0;
    var tracks = (map.style.gridTemplateColumns || "").split(" ");
    tracks.forEach(function (t) {
      if (t.indexOf("--seat") >= 0) seatsWide += 1;
      else if (t.indexOf("--aisle") >= 0) seatsWide += 0.6;
      else if (t.indexOf("--label") >= 0) seatsWide += 0.9;
    });
    return { wide: seatsWide || 1, tracks: tracks.length };
  }
  function levels() {
    var u = units();
    var room = (scroller ? scroller.clientWidth : 320) - 3 * u.tracks;
    var fit = Math.max(8, Math.min(40, Math.floor(room / u.wide)));
    var out = [fit];
    [TAPPABLE, 40, 48].forEach(function (size) { if (size > fit) out.push(size); });
    return out;
  }
  var sizes = levels();
  var zoom = 0;
  function size() { return sizes[zoom]; }
  function overview() { return size() < TAPPABLE; }
  function applyZoom() {
    map.style.setProperty("--seat", size() + "px");
    map.classList.toggle("is-overview", overview());
    if (zoomOut) zoomOut.disabled = zoom === 0;
    if (zoomIn) zoomIn.disabled = zoom === sizes.length - 1;
    if (overviewHint) overviewHint.hidden = !overview();
  }
  function setZoom(level) {
    zoom = Math.max(0, Math.min(sizes.length - 1, level));
    applyZoom();
  }
  function centreOn(element) {
    if (element && element.scrollIntoView) {
      element.scrollIntoView({ block: "center", inline: "center", behavior: "instant" });
    }
  }
  [zoomOut, zoomIn].forEach(function (button) {
    if (!button) return;
    button.addEventListener("click", function () {
      var keep = chosen()[0];
      setZoom(zoom + parseInt(button.getAttribute("data-zoom"), 10));
      if (overview()) return;
      if (keep) centreOn(cell(keep));
      else if (scroller) scroller.scrollLeft = (scroller.scrollWidth - scroller.clientWidth) / 2;
    });
  });
  // A finger's tap on the fitted map zooms in on that spot instead of picking a
  // seat too small to aim at. A mouse (precise) and the keyboard (Space: detail
  // 0) still pick at any size.
  var pointer = "mouse";
  map.addEventListener("pointerdown", function (event) { pointer = event.pointerType || "mouse"; }, true);
  map.addEventListener("click", function (event) {
    if (!overview() || event.detail === 0 || pointer !== "touch") return;
    var target = event.target && event.target.closest ? event.target.closest(".seat") : null;
    event.preventDefault();
    var level = sizes.indexOf(TAPPABLE);
    setZoom(level >= 0 ? level : sizes.length - 1);
    centreOn(target || map);
  }, true);
  window.addEventListener("resize", function () {
    var current = size();
    sizes = levels();
    var best = 0;
    sizes.forEach(function (s, i) { if (s <= current) best = i; });
    setZoom(best);
  });
  applyZoom();

  // --- live refresh ----------------------------------------------------------------
  function refresh() {
    if (!api || document.hidden) return;
    fetch(api, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.seats) return;
        var lost = [];
        data.seats.forEach(function (seat) {
          var input = byCode[seat.code];
          if (!input) return;
          var free = seat.state === "free";
          if (!free && input.checked) {
            input.checked = false;
            lost.push(input.getAttribute("data-label"));
          }
          input.disabled = !free;
          input.setAttribute("aria-disabled", free ? "false" : "true");
          setState(input, seat.state);
        });
        if (lost.length) {
          say(form.getAttribute("data-msg-taken").replace("%(seats)s", lost.join(", ")));
        }
        update();
      })
      .catch(function () { /* offline for a moment: the next refresh tries again */ });
  }
  window.setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", refresh);
  form.refreshSeats = refresh;  // for tests and the browser console

  update();
})();
