// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Opening a link to a clause (#clause-N) unfolds that clause.
  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && target.id.startsWith("clause-")) {
    const details = target.querySelector("details");
    if (details) details.open = true;
  }
  // "/" focuses the search box, as on most search sites.
  document.addEventListener("keydown", (event) => {
    const box = document.querySelector("form.search input[type=search]");
    if (event.key === "/" && box && document.activeElement !== box) {
      event.preventDefault();
      box.focus();
    }
  });
});
