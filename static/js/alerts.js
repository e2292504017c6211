// Telling a player it is their turn: once in the page's live region ("Your turn"), in the tab's
// title while the turn lasts, and with a short sound if they turned it on (off by default; the
// choice is remembered in this browser).

import { gettext } from "./i18n.js";

const SOUND_KEY = "liaptui.sound";

export class TurnAlert {
  constructor({ announcer, soundButton, title = document.title }) {
    this.announcer = announcer;
    this.soundButton = soundButton;
    this.title = title;
    this.yours = false;
    this.audio = null;
    this.showSound();
    soundButton.addEventListener("click", () => {
      this.setSound(!this.soundOn());
      if (this.soundOn()) this.beep(); // a sample, and it unlocks audio in the browser
    });
  }

  soundOn() {
    try {
      return localStorage.getItem(SOUND_KEY) === "on";
    } catch {
      return false;
    }
  }

  setSound(on) {
    try {
      localStorage.setItem(SOUND_KEY, on ? "on" : "off");
    } catch {
      /* private mode: the choice lasts as long as the page */
    }
    this.showSound();
  }

  showSound() {
    this.soundButton.setAttribute("aria-pressed", this.soundOn() ? "true" : "false");
  }

  /** Say ``text`` once to screen readers (the region is otherwise left alone). */
  announce(text) {
    this.announcer.textContent = "";
    // A new text node after a tick, so that the same words said twice are read twice.
    setTimeout(() => (this.announcer.textContent = text), 50);
  }

  /** Called after every update: whether the game now waits for you, and what for. */
  update(yours, what) {
    if (yours && !this.yours) {
      this.announce(what);
      if (this.soundOn()) this.beep();
    }
    this.yours = yours;
    document.title = yours ? `● ${gettext("Your turn")} · ${this.title}` : this.title;
  }

  beep() {
    try {
      this.audio = this.audio || new AudioContext();
      const osc = this.audio.createOscillator();
      const gain = this.audio.createGain();
      osc.frequency.value = 660;
      gain.gain.setValueAtTime(0.15, this.audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, this.audio.currentTime + 0.35);
      osc.connect(gain).connect(this.audio.destination);
      osc.start();
      osc.stop(this.audio.currentTime + 0.35);
    } catch {
      /* no audio here: the title and the live region still tell */
    }
  }
}
