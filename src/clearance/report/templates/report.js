// Sorting and filtering for the hit table. The table is complete without this
// script; it only reorders and hides rows. Cell text is read with textContent and
// never written back as HTML, so nothing from the data can become markup.
(function () {
  "use strict";
  var table = document.getElementById("hit-table");
  var controls = document.getElementById("controls");
  if (!table || !controls) {
    return;
  }
  // One tbody per hit: its main row and the row with the explanation and legal effect.
  var hits = Array.prototype.slice.call(table.tBodies);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var filter = document.getElementById("filter");
  var matchesOnly = document.getElementById("matches-only");
  var status = document.getElementById("status");

  // Case- and accent-insensitive search text, computed once per row.
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var haystacks = hits.map(function (hit) {
    return fold(hit.textContent.replace(/\s+/g, " "));
  });
  hits.forEach(function (hit, index) {
    hit.dataset.order = String(index);
  });

  function sortValue(hit, column, numeric) {
    var cell = hit.rows[0].cells[column];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (numeric) {
      var number = parseFloat(raw);
      return isNaN(number) ? -Infinity : number;
    }
    return raw.trim();
  }

  var collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

  function sortBy(header, direction) {
    var column = headers.indexOf(header);
    var numeric = header.getAttribute("data-sort") === "number";
    var sign = direction === "ascending" ? 1 : -1;
    // Read each key once: DOM reads inside the comparator would run n log n times.
    var keyed = hits.map(function (hit) {
      return { hit: hit, key: sortValue(hit, column, numeric), order: Number(hit.dataset.order) };
    });
    keyed.sort(function (a, b) {
      var x = a.key;
      var y = b.key;
      var order = numeric ? (x < y ? -1 : x > y ? 1 : 0) : collator.compare(x, y);
      return order * sign || a.order - b.order;
    });
    var sorted = keyed.map(function (entry) {
      return entry.hit;
    });
    var fragment = document.createDocumentFragment();
    sorted.forEach(function (hit) {
      fragment.appendChild(hit);
    });
    table.appendChild(fragment);
    headers.forEach(function (other) {
      if (other.hasAttribute("data-sort")) {
        other.setAttribute("aria-sort", other === header ? direction : "none");
      }
    });
  }

  headers.forEach(function (header) {
    if (!header.hasAttribute("data-sort")) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    while (header.firstChild) {
      button.appendChild(header.firstChild);
    }
    header.appendChild(button);
    if (!header.hasAttribute("aria-sort")) {
      header.setAttribute("aria-sort", "none");
    }
    button.addEventListener("click", function () {
      var current = header.getAttribute("aria-sort");
      var next;
      if (current === "ascending") {
        next = "descending";
      } else if (current === "descending") {
        next = "ascending";
      } else {
        next = header.getAttribute("data-sort-first") || "ascending";
      }
      sortBy(header, next);
    });
  });

  function applyFilter() {
    var query = fold(filter.value.trim());
    var onlyMatches = matchesOnly.checked;
    var shown = 0;
    hits.forEach(function (hit, index) {
      var visible =
        (!onlyMatches || hit.getAttribute("data-match") === "1") &&
        (query === "" || haystacks[index].indexOf(query) !== -1);
      hit.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    status.textContent = "Showing " + shown + " of " + hits.length + " hits";
  }

  filter.addEventListener("input", applyFilter);
  matchesOnly.addEventListener("change", applyFilter);
  controls.hidden = false;
  applyFilter();
})();
