// Printing a page prints each figure's table under it: a closed <details> prints closed, whatever the CSS, so
// the tables a reader has not opened are opened just before printing and closed again after.
(() => {
  let opened = [];
  window.addEventListener("beforeprint", () => {
    opened = Array.from(document.querySelectorAll("details.pz-tabel-toggle:not([open])"));
    opened.forEach((d) => { d.open = true; });
  });
  window.addEventListener("afterprint", () => {
    opened.forEach((d) => { d.open = false; });
    opened = [];
  });
})();
