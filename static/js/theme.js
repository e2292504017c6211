// The colour theme, before the page is drawn (a classic script in <head>, not a module): the
// browser's prefers-color-scheme unless the person chose one with the toggle (remembered).
(function () {
  var KEY = "liaptui.theme";
  var root = document.documentElement;
  var media = window.matchMedia("(prefers-color-scheme: dark)");
  function chosen() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function current() {
    return chosen() || (media.matches ? "dark" : "light");
  }
  function apply() {
    var theme = chosen();
    if (theme) root.dataset.theme = theme;
    else delete root.dataset.theme;
    var button = document.getElementById("theme-toggle");
    if (button) button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
  }
  apply();
  media.addEventListener("change", apply);
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    apply();
    button.addEventListener("click", function () {
      try { localStorage.setItem(KEY, current() === "dark" ? "light" : "dark"); } catch (e) {}
      apply();
    });
  });
})();
