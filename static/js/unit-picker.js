// A searchable unit picker for <input data-unit-picker="/units/search/?format=json[&level=…]">:
// typing a name lists the matching units of the user's jurisdiction (names first, then their
// parents and code); choosing one puts its 12-digit code in the field, which is what the server
// reads. Static file (the Content-Security-Policy allows no inline script). Works without it too.
(function () {
  "use strict";
  let counter = 0;

  function setup(input) {
    const url = input.dataset.unitPicker;
    const list = document.createElement("ul");
    const chosen = document.createElement("span");
    const id = `unit-picker-${++counter}`;
    list.id = id;
    list.className = "unit-picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    chosen.className = "unit-picker-chosen muted small";
    chosen.setAttribute("aria-live", "polite");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-autocomplete", "list");
    input.after(list);
    list.after(chosen);
    let timer = null;
    let active = -1;
    let asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }

    function choose(item) {
      input.value = item.code;
      chosen.textContent = `${item.name}${item.parents ? `（${item.parents}）` : ""}`;
      close();
    }

    function show(results) {
      list.replaceChildren();
      results.forEach((item, index) => {
        const option = document.createElement("li");
        option.setAttribute("role", "option");
        option.id = `${id}-${index}`;
        const name = document.createElement("strong");
        name.textContent = item.name;
        const where = document.createElement("span");
        where.className = "muted small";
        where.textContent = ` ${item.level}${item.parents ? ` · ${item.parents}` : ""} · ${item.code}`;
        option.append(name, where);
        option.addEventListener("mousedown", (event) => {
          event.preventDefault(); // keep the focus in the field
          choose(item);
        });
        option.item = item;
        list.append(option);
      });
      if (!results.length) {
        const empty = document.createElement("li");
        empty.className = "muted small";
        empty.textContent = "没有找到匹配的单位";
        list.append(empty);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    async function search() {
      const text = input.value.trim();
      if (!text || (/^\d{12}$/.test(text) && text === asked)) {
        close();
        return;
      }
      asked = text;
      try {
        const response = await fetch(`${url}&q=${encodeURIComponent(text)}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        });
        if (!response.ok || input.value.trim() !== text) return;
        show((await response.json()).results);
      } catch (error) {
        close();
      }
    }

    input.addEventListener("input", () => {
      chosen.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", (event) => {
      const options = Array.from(list.querySelectorAll("[role=option]"));
      if (list.hidden || !options.length) return;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
        options.forEach((option, index) => option.setAttribute("aria-selected", String(index === active)));
        input.setAttribute("aria-activedescendant", options[active].id);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(options[active].item);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
  }

  document.querySelectorAll("input[data-unit-picker]").forEach(setup);
})();
