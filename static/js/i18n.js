// The one way the UI's own words reach the page: Django's JavaScript catalog (the script at
// /jsi18n/, loaded by base.html before any module) provides gettext, ngettext and interpolate.
// Without it (a page that did not load it) the English text is used as is.

const catalog = globalThis;

/** The translation of ``text``. */
export const gettext = (text) => (catalog.gettext ? catalog.gettext(text) : text);

/** The singular or plural translation for ``n``. */
export const ngettext = (singular, plural, n) =>
  catalog.ngettext ? catalog.ngettext(singular, plural, n) : n === 1 ? singular : plural;

/** ``format`` with its ``%(name)s`` placeholders filled from ``values``. */
export function interpolate(format, values) {
  if (catalog.interpolate) return catalog.interpolate(format, values, true);
  return format.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
}

/** gettext then interpolate: ``t("Round %(n)s", {n: 2})``. */
export const t = (text, values) => (values ? interpolate(gettext(text), values) : gettext(text));

/** ngettext then interpolate, ``n`` given as ``%(n)s`` too: ``tn("%(n)s pile", "%(n)s piles", 2)``. */
export const tn = (singular, plural, n, values = {}) =>
  interpolate(ngettext(singular, plural, n), { n, ...values });
