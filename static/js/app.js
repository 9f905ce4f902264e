// Behaviour that used to sit in inline handlers (none are allowed by the Content-Security-Policy).
// <select data-submit-on-change>: submit its form when the choice changes (the language switch).
document.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
