/* « Document en préparation » (202): asks every 5 s whether the PDF is ready (HEAD on its own
   address: 200 once built), then says so in the status region and opens it. No <meta refresh>:
   axe-core counts a timed refresh as a critical violation (WCAG 2.2.1). */
(function () {
  "use strict";
  var status = document.getElementById("document-etat");
  if (!status || !window.fetch) { return; }
  var url = status.getAttribute("data-pending-url");
  var tries = 0;
  function check() {
    tries += 1;
    fetch(url, { method: "HEAD", cache: "no-store", credentials: "same-origin" }).then(function (response) {
      if (response.status === 200) {
        status.textContent = "Le document est prêt : ouverture…";
        window.location.reload();
      } else if (tries < 120) {  // 10 minutes at most, then the « Actualiser » button
        window.setTimeout(check, 5000);
      }
    }).catch(function () {
      if (tries < 120) { window.setTimeout(check, 5000); }
    });
  }
  window.setTimeout(check, 5000);
})();
