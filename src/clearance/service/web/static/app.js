// Progressive enhancement for the clearance web UI. Every page works without it.
//
// Written by hand on purpose: the one maintained PyPI package that ships htmx's
// JavaScript (django-htmx) depends on Django, which this project does not use and
// should not install for one file; copying htmx in by hand would leave it without
// updates. The interaction needed is small:
//
// * a form marked data-enhance is sent with fetch() and the page's <main> is
//   swapped for the answer's, keeping the focused field and its caret, so a
//   search does not reload the whole page; the URL is pushed to history, so
//   links, Back and reload behave as with a normal submission;
// * changing a filter <select> re-runs the search when a name is entered.
"use strict";

(function () {
  function swapMain(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var main = document.querySelector("main");
    if (!fresh || !main) { window.location.assign(url); return; }
    var active = document.activeElement;
    var activeId = active && main.contains(active) ? active.id : null;
    var caret = activeId && typeof active.selectionStart === "number" ? active.selectionStart : null;
    main.replaceChildren.apply(main, Array.from(fresh.childNodes));
    document.title = doc.title;
    enhance(main);
    var again = activeId ? document.getElementById(activeId) : null;
    if (again) {
      again.focus();
      if (caret !== null && typeof again.setSelectionRange === "function") {
        try { again.setSelectionRange(caret, caret); } catch (ignored) { /* not a text field */ }
      }
    }
  }

  function send(form) {
    var query = new URLSearchParams(new FormData(form)).toString();
    var url = (form.getAttribute("action") || window.location.pathname) + (query ? "?" + query : "");
    form.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.redirected || !(response.headers.get("Content-Type") || "").startsWith("text/html")) {
          window.location.assign(response.url);  // e.g. signed out: let the browser follow
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) { return; }
        window.history.pushState({ enhanced: true }, "", url);
        swapMain(html, url);
      })
      .catch(function () { window.location.assign(url); });
  }

  function enhance(root) {
    root.querySelectorAll("form[data-enhance]").forEach(function (form) {
      if ((form.getAttribute("method") || "get").toLowerCase() !== "get") { return; }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form);
      });
      form.querySelectorAll("select").forEach(function (select) {
        select.addEventListener("change", function () {
          var name = form.querySelector("input[name=q]");
          if (name && name.value.trim()) { send(form); }
        });
      });
    });
  }

  window.addEventListener("popstate", function () { window.location.reload(); });
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
}());
