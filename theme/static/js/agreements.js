// Agreements explorer: filter by words, type, scope and year, sort by date.
// The state lives in the URL (?q=&type=&scope=&year=&sort=) so a filtered view
// can be shared. Without JavaScript the page is the full table.
const form = document.getElementById("agreement-filters");
const count = document.getElementById("agreements-count");
const body = document.querySelector(".epc-table tbody");
const rows = [...body.rows];
const fields = ["q", "type", "scope", "year", "sort"];

// "libre-echange" finds "libre-échange", "peru" finds "Perú".
const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
const texts = new Map(rows.map((row) => [row, fold(row.cells[0].textContent)]));

function state() {
  return Object.fromEntries(fields.map((name) => [name, form.elements[name].value.trim()]));
}

function apply() {
  const { q, type, scope, year, sort } = state();
  const words = fold(q).split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const row of rows) {
    const visible = (!type || row.dataset.type === type)
      && (!scope || row.dataset.scope === scope)
      && (!year || row.dataset.year === year)
      && words.every((word) => texts.get(row).includes(word));
    row.hidden = !visible;
    shown += visible;
  }
  const order = sort === "oldest" ? 1 : -1;
  body.append(...[...rows].sort((a, b) =>
    order * a.dataset.signed.localeCompare(b.dataset.signed)));
  // none has its own sentence: French writes zero in the singular ("0 accord affiché")
  const template = shown === 0 ? form.dataset.countNone
    : shown === 1 ? form.dataset.countOne : form.dataset.countMany;
  const text = template.replace("{count}", shown).replace("{total}", rows.length);
  // the page comes with the full count: not announced again on load (aria-live)
  if (count.textContent !== text) count.textContent = text;

  const url = new URL(location.href);
  for (const [name, value] of Object.entries(state())) {
    if (value && !(name === "sort" && value === "newest")) url.searchParams.set(name, value);
    else url.searchParams.delete(name);
  }
  history.replaceState(null, "", url);
}

const params = new URLSearchParams(location.search);
for (const name of fields) {
  const value = params.get(name);
  if (value !== null && [...(form.elements[name].options || [])].every((o) => o.value !== value)
      && form.elements[name].tagName === "SELECT") continue; // ignore unknown values
  if (value !== null) form.elements[name].value = value;
}
form.addEventListener("input", apply);
form.addEventListener("submit", (event) => event.preventDefault());
apply();
