// The print button of the whole guide (scripts stay in static/js: the Content-Security-Policy).
document.getElementById("guide-print-button")?.addEventListener("click", () => window.print());
