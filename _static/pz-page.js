// What every page does beyond the theme.
//
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

// On a phone the theme shows the chapter menu and this page's contents ("Inhoud") as modal dialogs
// (pydata-sphinx-theme 0.17) that only a tap outside them closes: a reader who taps a section of this page landed
// behind the menu, still open. A tap on a link in either closes it; the link then does what it does.
document.addEventListener("click", (event) => {
  const dialog = event.target.closest("dialog[open] a[href]")?.closest("dialog");
  if (dialog && /^pst-(primary|secondary)-sidebar-modal$/.test(dialog.id)) dialog.close();
});

// Sphinx 7.4's Dutch catalog (translations.js) asks a reader whose search found nothing to select "voldoende
// categorieën", which this search has none of. The message is given again through the interface translations.js
// itself uses (Documentation.addTranslations, Sphinx's doctools.js; plural rule and locale as in that catalog). This
// script runs after translations.js and before searchtools.js, which may finish a search before the page is loaded.
if (typeof Documentation !== "undefined") {
  Documentation.addTranslations({ locale: "nl", plural_expr: "(n != 1)", messages: {
    "Your search did not match any documents. Please make sure that all words are spelled correctly and that you've selected enough categories.":
      "Er is niets gevonden. Controleer of alle woorden goed gespeld zijn, of zoek op een ander woord." } });
}
