// The main menu folds away on a narrow screen behind the "菜单" button. Loaded right after the
// menu (not deferred) so that a phone never paints the unfolded menu first; without JavaScript the
// menu simply stays open.
(function () {
  const button = document.querySelector(".menu-toggle");
  const nav = document.getElementById("mainnav");
  if (!button || !nav) return;
  const topbar = button.closest(".topbar");
  topbar.classList.add("menu-collapsible");
  button.setAttribute("aria-expanded", "false");
  button.addEventListener("click", () => {
    const open = topbar.classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
