// Search with Pagefind, in the page's language (Pagefind reads <html lang>).
// Progressive enhancement: without JavaScript the page still offers links to
// browse the site. No inline script or style: a strict CSP holds.
const results = document.getElementById("search-results");
const form = document.querySelector(".epc-search-form");
const input = form.querySelector("input[name=q]");
let pagefind;

function say(template, count, query) {
  return template.replace("{count}", count).replace("{query}", query);
}

function show(items, query) {
  const status = document.createElement("p");
  status.className = "epc-search-results__status";
  const template = items.length === 0 ? results.dataset.none
    : items.length === 1 ? results.dataset.one : results.dataset.many;
  status.textContent = say(template, items.length, query);
  const list = document.createElement("ol");
  list.className = "epc-search-results__list";
  for (const item of items) {
    const entry = document.createElement("li");
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.meta.title;
    const heading = document.createElement("h2");
    heading.className = "epc-search-results__title";
    heading.append(link);
    const excerpt = document.createElement("p");
    excerpt.innerHTML = item.excerpt; // Pagefind escapes the text; it adds only <mark>
    entry.append(heading, excerpt);
    list.append(entry);
  }
  results.replaceChildren(status, ...(items.length ? [list] : []));
}

async function search(query) {
  pagefind ??= await import(results.dataset.library);
  const found = await pagefind.search(query);
  show(await Promise.all(found.results.slice(0, 20).map((result) => result.data())), query);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value.trim();
  const url = new URL(location.href);
  url.searchParams.set("q", query);
  history.replaceState(null, "", url);
  if (query) search(query);
});

const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial);
}
