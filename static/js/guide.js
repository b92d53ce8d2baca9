// The user guide's pages (scripts stay in static/js: the Content-Security-Policy).
// The print button of the whole guide.
document.getElementById("guide-print-button")?.addEventListener("click", () => window.print());
// A "?" link opens a section by its #id; once the pictures above it have loaded, land on it again.
window.addEventListener("load", () => {
  const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (target && Math.abs(target.getBoundingClientRect().top) > 8) target.scrollIntoView({ behavior: "instant" });
});
