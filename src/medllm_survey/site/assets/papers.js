/* medllm-survey: the "All papers" table.
 *
 * Reads the compact payload (assets/papers.json), filters by category, modality, task, year range
 * and free text, sorts by column, keeps the view in the query string so a link restores it, and
 * downloads the current selection as CSV (built here) or BibTeX (the per-paper .bib files).
 * Record text is only ever inserted with textContent: nothing from the data is parsed as HTML.
 */
(function () {
  "use strict";

  var root = document.getElementById("mls-papers");
  if (!root) {
    return;
  }
  var form = root.querySelector("form");
  var body = root.querySelector("[data-rows]");
  var result = root.querySelector("[data-result]");
  var FILTERS = ["q", "cat", "mod", "task", "from", "to"];
  var SORTS = ["label", "year", "venue", "category"];
  var papers = [];
  var ordered = null; // papers in the current sort order; re-sorted only when the sort changes
  var shown = [];
  var sort = { key: "year", order: "desc" };
  var debounce = null;
  // Rows are drawn a page at a time: a keystroke then costs the same with 100 or 10,000 matches.
  var PAGE = Number(root.getAttribute("data-page-size")) || 100;
  var limit = PAGE;
  var more = root.querySelector("[data-more]");

  function pattern(name, values) {
    var url = root.getAttribute(name);
    Object.keys(values).forEach(function (key) {
      url = url.split(key).join(encodeURIComponent(values[key]));
    });
    return url;
  }

  // 1. Load the payload and turn its arrays into objects. -------------------------------------
  function decode(payload) {
    var col = {};
    payload.columns.forEach(function (name, i) {
      col[name] = i;
    });
    function terms(row, key, facet) {
      return row[col[key]].map(function (i) {
        return { id: payload.facet_ids[facet][i], label: payload.facets[facet][i] };
      });
    }
    return payload.papers.map(function (row, order) {
      var p = {
        order: order,
        id: row[col.id],
        label: row[col.label],
        title: row[col.title],
        authors: row[col.authors],
        year: row[col.year],
        venue: row[col.venue],
        category: row[col.category],
        categoryLabel: payload.categories[row[col.category]] || row[col.category],
        modalities: terms(row, "modalities", "modalities"),
        tasks: terms(row, "tasks", "tasks"),
        llms: terms(row, "llms", "llms"),
        encoders: terms(row, "vision_encoders", "vision-encoders"),
        doi: row[col.doi],
        arxiv: row[col.arxiv],
        url: row[col.url],
        stages: row[col.stages]
      };
      p.text = [p.label, p.title, p.authors, p.venue, p.year, p.categoryLabel, p.stages]
        .concat(p.modalities.map(label), p.tasks.map(label), p.llms.map(label), p.encoders.map(label))
        .join(" ")
        .toLowerCase();
      return p;
    });
  }

  function label(term) {
    return term.label;
  }

  // 2. State <-> form <-> query string. ----------------------------------------------------------
  function readForm() {
    var state = {};
    FILTERS.forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) {
        state[name] = value;
      }
    });
    return state;
  }

  function restore() {
    var params = new URLSearchParams(window.location.search);
    FILTERS.forEach(function (name) {
      var value = params.get(name) || "";
      var field = form.elements[name];
      if (field.tagName === "SELECT" && value &&
          !Array.prototype.some.call(field.options, function (o) { return o.value === value; })) {
        value = "";
      }
      field.value = value;
    });
    var key = params.get("sort");
    sort.key = SORTS.indexOf(key) >= 0 ? key : "year";
    sort.order = params.get("order") === "asc" ? "asc" : params.get("order") === "desc" ? "desc"
      : (sort.key === "year" ? "desc" : "asc");
  }

  function remember(state) {
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) {
      if (state[name]) {
        params.set(name, state[name]);
      }
    });
    if (sort.key !== "year" || sort.order !== "desc") {
      params.set("sort", sort.key);
      params.set("order", sort.order);
    }
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, "", url);
    }
  }

  // 3. Filter, sort, render. ---------------------------------------------------------------------
  function matches(p, state, words) {
    if (state.cat && p.category !== state.cat) return false;
    if (state.mod && !p.modalities.some(function (t) { return t.id === state.mod; })) return false;
    if (state.task && !p.tasks.some(function (t) { return t.id === state.task; })) return false;
    if (state.from && p.year < Number(state.from)) return false;
    if (state.to && p.year > Number(state.to)) return false;
    return words.every(function (w) { return p.text.indexOf(w) >= 0; });
  }

  function compare(a, b) {
    var x = a[sort.key];
    var y = b[sort.key];
    var diff = typeof x === "number" ? x - y : String(x).localeCompare(String(y), "en", { sensitivity: "base" });
    if (sort.order === "desc") diff = -diff;
    return diff || a.order - b.order;
  }

  function cell(tr, content) {
    var td = document.createElement("td");
    if (typeof content === "string" || typeof content === "number") {
      td.textContent = String(content);
    } else {
      content.forEach(function (node, i) {
        if (i) td.appendChild(document.createTextNode(", "));
        td.appendChild(node);
      });
    }
    tr.appendChild(td);
    return td;
  }

  function link(text, href, title) {
    var a = document.createElement("a");
    a.textContent = text;
    a.href = href;
    if (title) a.title = title;
    return a;
  }

  function termLinks(key, terms) {
    return terms.map(function (t) {
      return link(t.label, pattern("data-facet-url", { KEY: key, TERM: t.id }));
    });
  }

  function row(p) {
    var tr = document.createElement("tr");
    tr.setAttribute("data-id", p.id);
    var first = cell(tr, [link(p.label, pattern("data-paper-url", { ID: p.id }), p.title)]);
    first.appendChild(document.createElement("br"));
    var sub = document.createElement("span");
    sub.className = "mls-sub";
    sub.textContent = p.authors.split("; ")[0].split(",")[0] + (p.authors.indexOf("; ") >= 0 ? " et al." : "");
    first.appendChild(sub);
    cell(tr, p.year);
    cell(tr, p.venue);
    var cat = link(p.categoryLabel, pattern("data-category-url", { CAT: p.category + "-stage" }));
    cat.className = "mls-cat mls-cat--" + p.category;
    cell(tr, [cat]);
    cell(tr, termLinks("modalities", p.modalities));
    cell(tr, termLinks("tasks", p.tasks));
    cell(tr, termLinks("llms", p.llms));
    return tr;
  }

  function draw(from) {
    var fragment = document.createDocumentFragment();
    shown.slice(from, limit).forEach(function (p) { fragment.appendChild(row(p)); });
    if (!shown.length) {
      var tr = document.createElement("tr");
      var td = cell(tr, "No paper matches these filters.");
      td.colSpan = 7;
      fragment.appendChild(tr);
    }
    if (from === 0) {
      body.replaceChildren(fragment);
    } else {
      body.appendChild(fragment);
    }
    var left = shown.length - Math.min(limit, shown.length);
    more.hidden = left <= 0;
    more.textContent = "Show " + Math.min(PAGE, left) + " more (" + left + " not shown)";
  }

  function update() {
    var state = readForm();
    var words = (state.q || "").toLowerCase().split(/\s+/).filter(Boolean);
    if (!ordered) ordered = papers.slice().sort(compare);
    shown = ordered.filter(function (p) { return matches(p, state, words); });
    limit = PAGE;
    draw(0);
    result.textContent = shown.length + " of " + papers.length + " papers";
    root.setAttribute("data-shown", String(shown.length));
    root.querySelectorAll("th[aria-sort]").forEach(function (th) {
      var key = th.querySelector("button").getAttribute("data-sort");
      th.setAttribute("aria-sort", key === sort.key ? (sort.order === "asc" ? "ascending" : "descending") : "none");
    });
    remember(state);
  }

  // 4. Downloads of the current selection. --------------------------------------------------------
  function save(text, name, type) {
    var blob = new Blob([text], { type: type });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () {
      URL.revokeObjectURL(a.href);
      a.remove();
    }, 0);
  }

  function csvCell(value) {
    var text = String(value == null ? "" : value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text; // keep spreadsheets from running formulas
    return '"' + text.replace(/"/g, '""') + '"';
  }

  function downloadCsv() {
    var header = ["id", "method", "title", "authors", "year", "venue", "category", "modalities",
      "tasks", "llms", "vision_encoders", "stages", "doi", "arxiv", "url"];
    var lines = [header.map(csvCell).join(",")];
    shown.forEach(function (p) {
      lines.push([p.id, p.label, p.title, p.authors, p.year, p.venue, p.categoryLabel,
        p.modalities.map(label).join("; "), p.tasks.map(label).join("; "),
        p.llms.map(label).join("; "), p.encoders.map(label).join("; "), p.stages,
        p.doi, p.arxiv, p.url].map(csvCell).join(","));
    });
    save(lines.join("\r\n") + "\r\n", "medllm-survey-selection.csv", "text/csv;charset=utf-8");
  }

  function downloadBib(button) {
    var ids = shown.map(function (p) { return p.id; });
    var texts = new Array(ids.length);
    var next = 0;
    var done = 0;
    var original = button.textContent;
    button.disabled = true;
    return new Promise(function (resolve) {
      function worker() {
        if (next >= ids.length) return Promise.resolve();
        var i = next++;
        return fetch(pattern("data-bib-url", { ID: ids[i] }))
          .then(function (r) { return r.ok ? r.text() : "% " + ids[i] + ": BibTeX not found\n"; })
          .catch(function () { return "% " + ids[i] + ": BibTeX could not be fetched\n"; })
          .then(function (text) {
            texts[i] = text.trim() + "\n";
            done += 1;
            button.textContent = "Fetching " + done + " / " + ids.length + "…";
            return worker();
          });
      }
      var pool = [];
      for (var k = 0; k < Math.min(6, ids.length); k++) pool.push(worker());
      Promise.all(pool).then(function () {
        button.textContent = original;
        button.disabled = false;
        save(texts.join("\n"), "medllm-survey-selection.bib", "application/x-bibtex;charset=utf-8");
        resolve();
      });
    });
  }

  // 5. Wire it up. ----------------------------------------------------------------------------------
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("change", update);
  form.addEventListener("input", function () {
    clearTimeout(debounce);
    debounce = setTimeout(update, 120);
  });
  form.addEventListener("reset", function () {
    sort = { key: "year", order: "desc" };
    ordered = null;
    setTimeout(update, 0);
  });
  root.querySelectorAll("th button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.getAttribute("data-sort");
      if (sort.key === key) {
        sort.order = sort.order === "asc" ? "desc" : "asc";
      } else {
        sort = { key: key, order: key === "year" ? "desc" : "asc" };
      }
      ordered = null;
      update();
    });
  });
  more.addEventListener("click", function () {
    var from = limit;
    limit += PAGE;
    draw(from);
  });
  root.querySelector("[data-download=csv]").addEventListener("click", downloadCsv);
  root.querySelector("[data-download=bib]").addEventListener("click", function (event) {
    downloadBib(event.currentTarget);
  });
  window.addEventListener("popstate", function () {
    restore();
    ordered = null;
    update();
  });

  fetch(root.getAttribute("data-payload"))
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(function (payload) {
      papers = decode(payload);
      restore();
      update();
      root.setAttribute("data-ready", "true");
    })
    .catch(function (error) {
      result.textContent = "The paper list could not be loaded (" + error.message + ").";
    });
})();
