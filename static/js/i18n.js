// The one way the UI's own words reach the page: Django's JavaScript catalog (the script at
// /jsi18n/, loaded by base.html before any module) provides gettext, ngettext and interpolate.
// These wrappers keep the catalog's names, so that `makemessages -d djangojs` finds every
// string (xgettext knows gettext and ngettext:1,2), and fill named placeholders:
//   gettext("Round %(n)s", { n: 2 }), ngettext("%(n)s pile", "%(n)s piles", n, { ... }).
// Without the catalog (a page that did not load it) the English text is used as is.

const catalog = globalThis;

function fill(format, values) {
  if (catalog.interpolate) return catalog.interpolate(format, values, true);
  return format.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
}

/** The translation of ``text``, its ``%(name)s`` placeholders filled from ``values``. */
export function gettext(text, values) {
  const translated = catalog.gettext ? catalog.gettext(text) : text;
  return values ? fill(translated, values) : translated;
}

/** The singular or plural translation for ``n``; ``%(n)s`` and ``values`` filled in. */
export function ngettext(singular, plural, n, values = {}) {
  const translated = catalog.ngettext ? catalog.ngettext(singular, plural, n) : n === 1 ? singular : plural;
  return fill(translated, { n, ...values });
}
