// The side panel of the table: tabs (the story, the scores, the rules); beside the table on a
// desktop, a drawer opened from the top bar on a phone.

export class SidePanel {
  constructor(panel, toggle, close) {
    this.panel = panel;
    this.toggle = toggle;
    this.tabs = [...panel.querySelectorAll('[role="tab"]')];
    toggle.addEventListener("click", () => this.open(!panel.classList.contains("open")));
    close.addEventListener("click", () => this.open(false));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && panel.classList.contains("open")) this.open(false);
    });
    for (const tab of this.tabs) {
      tab.addEventListener("click", () => this.select(tab));
      tab.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        const next = this.tabs[(this.tabs.indexOf(tab) + step + this.tabs.length) % this.tabs.length];
        this.select(next);
        next.focus();
      });
    }
  }

  select(chosen) {
    for (const tab of this.tabs) {
      const on = tab === chosen;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      document.getElementById(tab.getAttribute("aria-controls")).hidden = !on;
    }
  }

  open(on) {
    this.panel.classList.toggle("open", on);
    this.toggle.setAttribute("aria-expanded", on ? "true" : "false");
    if (on) this.tabs.find((tab) => tab.getAttribute("aria-selected") === "true").focus();
    else this.toggle.focus();
  }
}
