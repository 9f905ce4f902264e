// The import page while its job runs: htmx polls the progress block (hx-get every second); when
// the job has finished the swapped-in block no longer polls, and the page reloads to show the
// result (counts, errors, the confirm button).
document.body.addEventListener("htmx:afterSwap", function (e) {
  if (e.detail.target.id === "import-progress" && !e.detail.target.hasAttribute("hx-get")) {
    window.location.reload();
  }
});
