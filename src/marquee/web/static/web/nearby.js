// "Nearest cinemas first": ask the browser for its position and reload with ?lat=&lng=.
// The server computes the distances; nothing is stored. Refused or unavailable: say so
// and leave the cinemas in name order.
(function () {
  "use strict";
  var button = document.querySelector("button.nearby");
  if (!button || !("geolocation" in navigator)) return;
  var status = document.querySelector(".nearby-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    if (status) status.textContent = button.dataset.msgBusy || "";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var url = new URL(window.location.href);
        url.searchParams.set("lat", position.coords.latitude.toFixed(5));
        url.searchParams.set("lng", position.coords.longitude.toFixed(5));
        url.hash = "showtimes-heading";
        window.location.assign(url.toString());
      },
      function () {
        if (status) status.textContent = button.dataset.msgDenied || "";
      },
      { maximumAge: 600000, timeout: 10000 }
    );
  });
})();
