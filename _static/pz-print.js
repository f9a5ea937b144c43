// Printing a page: each figure's table is printed under it (a closed <details> prints closed, whatever the CSS, so
// the tables a reader has not opened are opened just before printing and closed again after), and a page read in
// dark mode prints in the light one (dark mode's light text would come out grey on paper); the charts' own colours
// follow by CSS (pzboek/charts.py, PALETTE_STYLE).
(() => {
  let opened = [];
  let theme = null;
  window.addEventListener("beforeprint", () => {
    opened = Array.from(document.querySelectorAll("details.pz-tabel-toggle:not([open])"));
    opened.forEach((d) => { d.open = true; });
    theme = document.documentElement.dataset.theme;
    document.documentElement.dataset.theme = "light";
  });
  window.addEventListener("afterprint", () => {
    opened.forEach((d) => { d.open = false; });
    opened = [];
    if (theme) document.documentElement.dataset.theme = theme;
  });
})();
