/* Light enhancements of server-rendered pages: every form also works without this script. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  /* On a phone the filters start folded unless some are in use. */
  var filters = document.querySelector("details[data-filters]");
  if (filters && !filters.hasAttribute("data-active") &&
      window.matchMedia("(max-width: 760px)").matches) {
    filters.open = false;
  }

  function toast(text, kind) {
    var box = document.getElementById("toast");
    if (!box) {
      box = document.createElement("p");
      box.id = "toast";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    box.className = "toast flash flash-" + (kind || "ok");
    box.textContent = text;
    clearTimeout(box._timer);
    box._timer = setTimeout(function () { box.className = "toast is-hidden"; }, 4000);
  }

  function postForm(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf },
      credentials: "same-origin"
    }).then(function (r) {
      return r.json().catch(function () { return { detail: "Lỗi máy chủ (" + r.status + ")." }; })
        .then(function (body) { body._status = r.status; return body; });
    });
  }

  /* --- review: corrections in place ------------------------------------------------------ */
  function cards() { return Array.prototype.slice.call(document.querySelectorAll(".op-card")); }
  var current = -1;

  function setCurrent(i, scroll) {
    var list = cards();
    if (!list.length) return;
    i = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (c) { c.classList.remove("is-current"); });
    current = i;
    var card = list[i];
    card.classList.add("is-current");
    if (scroll !== false) {
      card.focus({ preventScroll: true });
      card.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  function currentCard() {
    var list = cards();
    if (current < 0 || current >= list.length) return null;
    return list[current];
  }

  function submitCorrection(form) {
    var card = form.closest(".op-card");
    if (!card) { form.submit(); return; }
    var index = cards().indexOf(card);
    card.classList.add("is-saving");
    postForm(form).then(function (body) {
      if (body._status >= 400 || !body.html) {
        card.classList.remove("is-saving");
        toast(body.detail || "Không lưu được.", "error");
        if (body._status === 401) { window.location.reload(); }
        return;
      }
      var picked = card.querySelector(".merge-pick");
      var holder = document.createElement("div");
      holder.innerHTML = body.html;
      var fresh = holder.firstElementChild;
      var pick = fresh.querySelector(".merge-pick");
      if (picked && pick) pick.checked = picked.checked;
      card.replaceWith(fresh);
      wireCard(fresh);
      updateMergeCount();
      toast(body.message, "ok");
      if (index >= 0) setCurrent(index, false);
      fresh.focus({ preventScroll: true });
    }).catch(function () {
      card.classList.remove("is-saving");
      toast("Mất kết nối: chưa lưu được. Hãy thử lại.", "error");
    });
  }

  function wireCard(card) {
    card.querySelectorAll("form.decision, .custom-escalation form").forEach(function (form) {
      form.addEventListener("submit", function (ev) { ev.preventDefault(); submitCorrection(form); });
    });
    card.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
      sel.addEventListener("change", function () { submitCorrection(sel.form); });
    });
    card.querySelectorAll(".merge-pick").forEach(function (box) {
      box.addEventListener("change", updateMergeCount);
    });
    card.addEventListener("click", function () { setCurrent(cards().indexOf(card), false); });
  }

  function updateMergeCount() {
    var keys = {};
    document.querySelectorAll(".merge-pick:checked").forEach(function (b) { keys[b.value] = 1; });
    var n = Object.keys(keys).length;
    var out = document.querySelector("[data-merge-count]");
    if (out) out.textContent = String(n);
    var btn = document.querySelector("[data-merge-submit]");
    if (btn) btn.disabled = n < 2;
  }

  cards().forEach(wireCard);
  updateMergeCount();
  if (cards().length && document.querySelector("[data-queue]")) {
    var target = window.location.hash ? document.querySelector(window.location.hash) : null;
    var start = target ? cards().indexOf(target) : 0;
    setCurrent(start < 0 ? 0 : start, !!target);
  }

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
                  el.isContentEditable);
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var el = document.activeElement;
    if (typing(el)) {
      if (ev.key === "Escape") {
        el.blur();
        var c = currentCard();
        if (c) c.focus({ preventScroll: true });
      }
      return;
    }
    var key = ev.key;
    if (key === "?") {
      var help = document.getElementById("shortcuts");
      if (help) { help.open = !help.open; ev.preventDefault(); }
      return;
    }
    if (key === "/") {
      var search = document.querySelector("[data-search]");
      if (search) { search.focus(); ev.preventDefault(); }
      return;
    }
    if (!cards().length) return;
    if (current < 0) setCurrent(0, false);
    var card = currentCard();
    var handled = true;
    if (key === "j" || key === "ArrowDown") setCurrent(current + 1);
    else if (key === "k" || key === "ArrowUp") setCurrent(current - 1);
    else if (key === "1" || key === "2" || key === "3") {
      var sel = card.querySelector('select[data-role="category"]');
      var opt = sel && sel.options[Number(key) - 1];
      if (opt && sel.value !== opt.value) { sel.value = opt.value; submitCorrection(sel.form); }
      else if (opt) toast("Ý kiến đã ở nhóm này.", "ok");
    }
    else if (key === "x") {
      var btn = card.querySelector('[data-role="confirm"]');
      if (btn) { submitCorrection(btn.form); setTimeout(function () { setCurrent(current + 1); }, 50); }
    }
    else if (key === "d" || key === "l" || key === "e") {
      var role = { d: "department", l: "locality", e: "escalation" }[key];
      var s = card.querySelector('select[data-role="' + role + '"]');
      if (s) s.focus();
    }
    else if (key === "m") {
      var box = card.querySelector('[data-role="merge"]');
      if (box) { box.checked = !box.checked; updateMergeCount(); }
    }
    else if (key === "g") {
      var merge = document.getElementById("merge-form");
      var go = document.querySelector("[data-merge-submit]");
      if (merge && go && !go.disabled) merge.requestSubmit();
    }
    else if (key === "o" || key === "Enter") {
      var link = card.querySelector("[data-open]");
      if (link && ev.target === card) window.location.href = link.href;
      else handled = false;
    }
    else handled = false;
    if (handled) ev.preventDefault();
  });

  /* --- preview: show what will be saved ---------------------------------------------------- */
  var preview = document.getElementById("preview-form");
  if (preview) {
    var saveBtn = preview.querySelector("[data-save]");
    var updateCount = function () {
      var kept = preview.querySelectorAll(".preview-item").length -
        preview.querySelectorAll('.preview-item input[name^="drop-"]:checked').length;
      var added = preview.querySelectorAll('input[name^="include-"]:checked').length;
      if (saveBtn) saveBtn.textContent = "Lưu và phân loại " + (kept + added) + " ý kiến";
    };
    preview.addEventListener("change", function (ev) {
      var t = ev.target;
      if (t.name && t.name.indexOf("drop-") === 0) t.closest(".preview-item").classList.toggle("is-dropped", t.checked);
      if (t.name && t.name.indexOf("include-") === 0) t.closest(".skipped-item").classList.toggle("is-included", t.checked);
      updateCount();
    });
    preview.addEventListener("submit", function () {
      if (saveBtn) { saveBtn.disabled = true; saveBtn.textContent = "Đang gửi…"; }
    });
  }
  document.querySelectorAll("textarea[data-autosize]").forEach(function (ta) {
    var fit = function () { ta.style.height = "auto"; ta.style.height = (ta.scrollHeight + 2) + "px"; };
    ta.addEventListener("input", fit);
    fit();
  });
  var intake = document.getElementById("intake-form");
  if (intake) {
    intake.addEventListener("submit", function () {
      var b = intake.querySelector('button[type="submit"]');
      if (b) { b.disabled = true; b.textContent = "Đang đọc và tách ý kiến…"; }
    });
  }

  /* --- progress of a batch being saved ---------------------------------------------------- */
  var job = document.getElementById("job");
  if (job && job.dataset.jobStatus === "running") {
    var bar = document.getElementById("job-progress");
    var elapsedOut = job.querySelector("[data-elapsed]");
    var poll = function () {
      fetch(job.dataset.jobUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.status === "done" && s.url) { window.location.href = window.location.pathname; return; }
          if (s.status === "failed") { window.location.reload(); return; }
          if (elapsedOut) elapsedOut.textContent = String(Math.round(s.elapsed));
          if (bar && s.estimate_seconds > 0) {
            bar.value = Math.min(95, 100 * s.elapsed / s.estimate_seconds);
          }
          setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    setTimeout(poll, 500);
  }

  /* --- progress of a retraining ----------------------------------------------------------- */
  var retrain = document.getElementById("retrain");
  if (retrain && retrain.dataset.retrainUrl &&
      (retrain.dataset.retrainStatus === "queued" || retrain.dataset.retrainStatus === "running")) {
    var state = retrain.querySelector("[data-job-state]");
    var progress = retrain.querySelector("[data-job-progress]");
    var labels = { queued: "Đang chờ", running: "Đang chạy", succeeded: "Xong", failed: "Thất bại" };
    var pollJob = function () {
      fetch(retrain.dataset.retrainUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (state) state.textContent = labels[s.status] || s.status;
          if (progress) progress.textContent = s.progress || "";
          if (s.status === "succeeded" || s.status === "failed") {
            window.location.href = "/models?job=" + s.id;
            return;
          }
          setTimeout(pollJob, 1500);
        })
        .catch(function () { setTimeout(pollJob, 3000); });
    };
    setTimeout(pollJob, 1000);
  }
})();
