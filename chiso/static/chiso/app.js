// Chỉ Số: small progressive enhancements. Pages work without JavaScript; the
// CSP forbids inline scripts, so behaviour is declared with data- attributes.
(function () {
  "use strict";

  // <select data-autosubmit>: submit its form on change (the button stays for keyboard users).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  // <form data-confirm="…">: ask before destructive actions (deactivate, reset password).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  // <input type="file" data-max-bytes="…">: a file over the limit is refused here, before a
  // single byte is sent (the server refuses it too); the reason appears in the element named by
  // data-size-message, built from the data-too-large template ({name}, {size}).
  function sizeLabel(bytes) {
    var mb = bytes / (1024 * 1024);
    return (mb >= 1 ? mb.toFixed(1).replace(".", ",") + " MB" : Math.ceil(bytes / 1024) + " KB");
  }
  function tooLarge(input) {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (!limit || !input.files) return null;
    for (var i = 0; i < input.files.length; i++) {
      if (input.files[i].size > limit) return input.files[i];
    }
    return null;
  }
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var box = document.getElementById(input.getAttribute("data-size-message"));
    var file = tooLarge(input);
    if (box) box.textContent = "";
    if (!file) return;
    if (box) {
      var p = document.createElement("p");
      p.className = "errorlist evidence-error";
      p.textContent = (input.getAttribute("data-too-large") || "{name}: {size}")
        .replace("{name}", file.name).replace("{size}", sizeLabel(file.size));
      box.appendChild(p);
    }
    input.value = "";
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.elements) return;
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.matches && el.matches("input[type=file][data-max-bytes]") && tooLarge(el)) {
        event.preventDefault();
        event.stopPropagation();
        return;
      }
    }
  }, true);

  // An evidence upload the server refused before the view ran (413 from the request limit, a
  // network error): htmx swaps nothing on an error, so say it in the criterion's message box.
  function evidenceFailed(event) {
    var form = event.detail && event.detail.elt;
    if (!form || !form.id || form.id.indexOf("ev-") !== 0) return;
    var box = document.getElementById("evmsg-" + form.id.slice(3));
    if (!box) return;
    var p = document.createElement("p");
    p.className = "errorlist evidence-error";
    p.textContent = box.getAttribute("data-failed") || "";
    box.textContent = "";
    box.appendChild(p);
  }
  document.addEventListener("htmx:responseError", evidenceFailed);
  document.addEventListener("htmx:sendError", evidenceFailed);

  // Unit tree: expand / collapse every branch at once.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-tree-toggle]") : null;
    if (!button) return;
    var open = button.getAttribute("data-tree-toggle") === "open";
    var root = document.getElementById(button.getAttribute("aria-controls"));
    if (!root) return;
    root.querySelectorAll("details").forEach(function (d) { d.open = open; });
  });

  // Unit tree search: keep matching units (and their ancestors) visible, open the way to them.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-tree-filter]")) return;
    var root = document.getElementById(input.getAttribute("aria-controls"));
    if (!root) return;
    var needle = input.value.trim().toLocaleLowerCase("vi");
    var items = root.querySelectorAll("li[data-search]");
    var shown = 0;
    items.forEach(function (li) { li.hidden = needle !== ""; });
    items.forEach(function (li) {
      if (needle === "" || li.getAttribute("data-search").indexOf(needle) !== -1) {
        shown += 1;
        var node = li;
        while (node && node !== root) {
          if (node.tagName === "LI") node.hidden = false;
          if (node.tagName === "DETAILS" && needle !== "") node.open = true;
          node = node.parentElement;
        }
      }
    });
    var status = document.getElementById(input.getAttribute("data-status"));
    if (status) {
      status.textContent = needle === "" ? "" : (status.getAttribute("data-template") || "{n}").replace("{n}", shown);
    }
  });
})();
