// Narrow a long <select> by typing: <input data-filter-select="select-id">. Works without it too.
document.querySelectorAll("[data-filter-select]").forEach((input) => {
  const select = document.getElementById(input.dataset.filterSelect);
  if (!select) return;
  const options = Array.from(select.options);
  input.addEventListener("input", () => {
    const text = input.value.trim();
    let first = null;
    options.forEach((option) => {
      const show = !option.value || !text || option.text.includes(text);
      option.hidden = !show;
      if (show && option.value && !first) first = option;
    });
    if (first && text) select.value = first.value;
  });
});
