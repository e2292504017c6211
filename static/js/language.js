// The language switcher of the top bar (base.html): a form that POSTs the chosen language to
// Django's set_language, which keeps it in the language cookie and sends the page back (the
// same path and query). Without scripts, its ✓ button sends it. With them, the button hides
// and picking a language sends the form at once; arrowing through the closed list with the
// keyboard does not (each step would reload the page): it shows the button, and Enter sends.

const form = document.getElementById("language-form");
const select = document.getElementById("language");
const button = document.getElementById("language-submit");

if (form && select && button) {
  const initial = select.value;
  let keyed = false;
  const send = () => {
    if (select.value !== initial) form.requestSubmit();
  };
  button.hidden = true;
  select.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      send();
      return;
    }
    // A change in this task comes from the keys on the closed list, not from its picker.
    keyed = true;
    setTimeout(() => {
      keyed = false;
    });
  });
  select.addEventListener("change", () => {
    if (keyed) button.hidden = select.value === initial;
    else send();
  });
}
