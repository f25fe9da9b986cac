// storyline web app: small conveniences only; every page works without this file.
// Loaded as /static/app.js (the Content-Security-Policy allows no inline script).
"use strict";

document.addEventListener("keydown", (event) => {
  // "/" focuses the search box, as in many analyst tools.
  const box = document.getElementById("q");
  if (event.key === "/" && box && document.activeElement !== box &&
      !(document.activeElement instanceof HTMLInputElement)) {
    event.preventDefault();
    box.focus();
  }
});

document.addEventListener("DOMContentLoaded", () => {
  // A big story's page data is computed in the background: ask its JSON twin until it is ready.
  const pending = document.getElementById("pending");
  if (pending && pending.dataset.poll) {
    const poll = () => {
      fetch(pending.dataset.poll, { headers: { Accept: "application/json" } })
        .then((r) => r.json())
        .then((data) => (data.pending ? setTimeout(poll, 2000) : location.reload()))
        .catch(() => setTimeout(poll, 5000));
    };
    setTimeout(poll, 1500);
  }

  // In the comparison matrix, opening one cell's sentence closes the others of its row.
  for (const cell of document.querySelectorAll("table.matrix details")) {
    cell.addEventListener("toggle", () => {
      if (!cell.open) return;
      const row = cell.closest("tr");
      for (const other of row.querySelectorAll("details[open]")) {
        if (other !== cell) other.open = false;
      }
    });
  }
});
