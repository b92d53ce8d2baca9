// The user guide's pages (scripts stay in static/js: the Content-Security-Policy).
// The print button of the whole guide.
document.getElementById("guide-print-button")?.addEventListener("click", () => window.print());
// A "?" link opens a section by its #id; once the pictures above it have loaded and the Chinese text has its
// font (a font the system loads late moves the lines), land on it again.
window.addEventListener("load", () => {
  const land = () => {
    const target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && Math.abs(target.getBoundingClientRect().top) > 8) target.scrollIntoView({ behavior: "instant" });
  };
  land();
  document.fonts?.ready.then(() => requestAnimationFrame(land));
});
