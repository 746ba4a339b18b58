/* The score sheet as you type: the running total follows the points, and the draft is saved every 30 seconds
   and when a field loses focus, through a small JSON endpoint. Without this script the page works through its
   own "save draft" and "submit" buttons. */
(function () {
  "use strict";
  var form = document.getElementById("score-sheet");
  if (!form || form.dataset.sheetState !== "draft") {
    return;
  }
  var totalEl = document.getElementById("running-total");
  var statusEl = document.getElementById("autosave-status");
  var errorsEl = document.getElementById("autosave-errors");
  var url = form.dataset.autosaveUrl;
  var dirty = false;
  var saving = false;
  var pending = false;

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showTotal(text) {
    totalEl.textContent = text;
    totalEl.dataset.total = text;
  }

  function localTotal() {
    var sum = 0;
    form.querySelectorAll("input.score-points").forEach(function (input) {
      var value = parseFloat(input.value);
      if (!isNaN(value)) {
        sum += value;
      }
    });
    // Points come in steps of 0.5 at most two decimals: round away floating-point dust.
    return String(Math.round(sum * 100) / 100);
  }

  function collect() {
    var scores = {};
    form.querySelectorAll("input[data-item], textarea[data-item]").forEach(function (field) {
      var entry = scores[field.dataset.item] || (scores[field.dataset.item] = {});
      entry[field.dataset.part || "points"] = field.value;
    });
    return scores;
  }

  function setStatus(state, text) {
    statusEl.dataset.autosave = state;
    statusEl.textContent = text || "";
  }

  function showErrors(errors) {
    errorsEl.textContent = "";
    if (!errors || !errors.length) {
      errorsEl.classList.add("d-none");
      return;
    }
    var list = document.createElement("ul");
    list.className = "mb-0";
    errors.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    errorsEl.appendChild(list);
    errorsEl.classList.remove("d-none");
  }

  function save() {
    if (!dirty) {
      return;
    }
    if (saving) {
      pending = true;  // saved again as soon as the current request ends
      return;
    }
    saving = true;
    dirty = false;
    setStatus("saving", form.dataset.savingText || "…");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" },
      body: JSON.stringify({ scores: collect() })
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (result) {
        if (pending) {
          return;  // a newer state is about to be sent; this answer is already out of date
        }
        if (result.ok) {
          if (!dirty) {
            showTotal(result.data.total);  // typed since? then the local total is the newer one
          }
          showErrors([]);
          setStatus("saved", result.data.saved_at || "");
        } else {
          showErrors(result.data.errors);
          setStatus("error", "");
        }
      })
      .catch(function () {
        dirty = true;  // try again at the next tick
        setStatus("error", "");
      })
      .then(function () {
        saving = false;
        if (pending) {
          pending = false;
          save();
        }
      });
  }

  form.addEventListener("input", function (event) {
    dirty = true;
    if (event.target.classList.contains("score-points")) {
      showTotal(localTotal());
    }
  });
  form.addEventListener("focusout", save);
  window.setInterval(save, 30000);
})();
