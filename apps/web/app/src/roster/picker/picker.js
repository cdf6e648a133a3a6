// The emoji picker beside every "Emoji" field: categories to browse (the recently used
// first, once there are some), a search by name and keyword ("smile" finds 🙂), the
// arrow keys to move through the emoji, Enter or a click to choose; Escape, Tab or a
// click elsewhere closes it.
//
// Not part of the first load: the island's "Choose" button (mod.rs) loads this module
// the first time one is clicked, marking that button `data-opening`; from then on the
// module takes the buttons' clicks itself. The emoji come from the server (`list_emoji`
// in search.rs: a GET the browser caches for a day) one category or search at a time.
// The recently used live in this module for the page's life, never in web storage.
//
// The panel follows the ARIA combobox pattern: focus stays in the search box, and
// `aria-activedescendant` names the highlighted emoji.

/** The categories, in the server's order (`GROUPS` in search.rs): icon and name. */
const GROUPS = [
  ['😀', 'Smileys and emotion'],
  ['👋', 'People and body'],
  ['🐱', 'Animals and nature'],
  ['🍎', 'Food and drink'],
  ['✈️', 'Travel and places'],
  ['⚽', 'Activities'],
  ['💡', 'Objects'],
  ['❤️', 'Symbols'],
  ['🏁', 'Flags'],
];
/** The category of the recently used, after the server's. */
const RECENT = GROUPS.length;
/** How many recently used emoji are kept: two rows. */
const RECENT_KEPT = 16;
/** Emoji per row of the grid (`.emoji-list` in the stylesheet): ↑ and ↓ move by a row. */
const COLUMNS = 8;

/** The recently chosen emoji, the latest first: `{ emoji, name }`. */
const recent = [];
/** The open picker, if one is. */
let current = null;

/** A new element with attributes and, optionally, text. */
function element(tag, attributes, text) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text !== undefined) made.textContent = text;
  return made;
}

/** Opens the picker of `button`, closing any other; closes it if it is the one open. */
function toggle(button) {
  const was = current?.button;
  close(false);
  if (was !== button) open(button);
}

function open(button) {
  const field = button.closest('.emoji-field');
  const id = button.getAttribute('aria-controls');
  const panel = element('div', { class: 'emoji-panel', id, tabindex: '-1' });
  const tabs = element('div', { class: 'emoji-groups', role: 'group', 'aria-label': 'Categories' });
  const search = element('input', {
    type: 'search',
    role: 'combobox',
    'aria-label': 'Search emoji by name',
    'aria-expanded': 'true',
    'aria-controls': `${id}-list`,
    'aria-autocomplete': 'list',
    placeholder: 'Search: cat, smile, party…',
    autocomplete: 'off',
  });
  // Out of the Tab order, which takes a scrolling list otherwise: the search box moves
  // through it.
  const list = element('ul', { id: `${id}-list`, role: 'listbox', class: 'emoji-list', tabindex: '-1' });
  const note = element('p', { class: 'picker-empty', role: 'status' });
  const state = {
    button, input: field.querySelector('input'), panel, tabs, search, list, note,
    group: recent.length ? RECENT : 0, shown: [], active: 0, asked: 0,
  };
  const categories = recent.length ? [[RECENT, '🕘', 'Recently used']] : [];
  GROUPS.forEach(([icon, name], group) => categories.push([group, icon, name]));
  for (const [group, icon, name] of categories) {
    tabs.append(element('button', { type: 'button', 'aria-label': name, title: name, 'data-group': group }, icon));
  }
  panel.append(tabs, search, list, note);

  // A click on a category or an emoji keeps the focus in the search box.
  panel.addEventListener('mousedown', (event) => {
    if (event.target.closest('button, li')) event.preventDefault();
  });
  tabs.addEventListener('click', (event) => {
    const tab = event.target.closest('button');
    if (!tab) return;
    search.value = '';
    state.group = Number(tab.dataset.group);
    load(state);
  });
  list.addEventListener('click', (event) => {
    const option = event.target.closest('li');
    if (option) choose(state, Number(option.dataset.index));
  });
  search.addEventListener('input', () => load(state));
  search.addEventListener('keydown', (event) => onKey(state, event));
  // Focus leaving the panel closes it (Tab, Shift+Tab past the categories, a click
  // elsewhere), unless it goes to the button, whose click closes it. The panel itself
  // takes focus (tabindex -1), so a click on its background keeps it open.
  panel.addEventListener('focusout', (event) => {
    const to = event.relatedTarget;
    if (current === state && !(to && (panel.contains(to) || to === button))) close(false);
  });

  field.append(panel);
  button.setAttribute('aria-expanded', 'true');
  current = state;
  search.focus();
  load(state);
}

/** Closes the open picker; with `refocus`, focus goes back to its button. */
function close(refocus) {
  const state = current;
  if (!state) return;
  current = null;
  state.panel.remove();
  state.button.setAttribute('aria-expanded', 'false');
  if (refocus) state.button.focus();
}

/** Shows the chosen category, or what the search box asks for. */
async function load(state) {
  const query = state.search.value.trim();
  const searching = query !== '';
  for (const tab of state.tabs.children) {
    tab.setAttribute('aria-pressed', String(!searching && Number(tab.dataset.group) === state.group));
  }
  const category = state.group === RECENT ? 'Recently used' : GROUPS[state.group][1];
  state.list.setAttribute('aria-label', searching ? 'Matching emoji' : category);
  if (!searching && state.group === RECENT) return show(state, [...recent], '');
  const asked = ++state.asked;
  // A search covers every category: one answer (and one cached reply), whichever is open.
  const params = new URLSearchParams({ query, group: searching ? 0 : state.group });
  let found = [];
  let failure = '';
  try {
    const response = await fetch(`/api/emoji?${params}`);
    if (!response.ok) throw new Error(`status ${response.status}`);
    found = await response.json();
  } catch {
    failure = 'The emoji could not be loaded. Check your connection and try again.';
  }
  // Only the answer to what is asked now; a slower, older one is dropped.
  if (asked !== state.asked || current !== state) return;
  show(state, found, failure || (found.length ? '' : 'No emoji by that name.'));
}

/** Fills the grid with `found`, the first highlighted; `said` in the note under it. */
function show(state, found, said) {
  state.shown = found;
  const id = state.list.id;
  state.list.replaceChildren(
    ...found.map(({ emoji, name }, index) =>
      element('li', { role: 'option', id: `${id}-${index}`, 'data-index': index, title: name, 'aria-label': name }, emoji),
    ),
  );
  state.list.scrollTop = 0;
  state.note.textContent = said;
  state.note.hidden = !said;
  highlight(state, 0);
}

/** Highlights the emoji at `index` (kept within the list) and scrolls it into view. */
function highlight(state, index) {
  const options = state.list.children;
  state.active = Math.max(0, Math.min(index, options.length - 1));
  for (const option of options) option.setAttribute('aria-selected', 'false');
  const active = options[state.active];
  if (active) {
    active.setAttribute('aria-selected', 'true');
    active.scrollIntoView({ block: 'nearest' });
    state.search.setAttribute('aria-activedescendant', active.id);
  } else {
    state.search.removeAttribute('aria-activedescendant');
  }
}

function onKey(state, event) {
  const moves = {
    ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS,
    Home: -Infinity, End: Infinity,
  };
  if (event.key in moves) {
    highlight(state, state.active + moves[event.key]);
  } else if (event.key === 'Enter') {
    // Chooses, and must not submit the form the picker sits in.
    choose(state, state.active);
  } else if (event.key === 'Escape') {
    close(true);
  } else {
    return;
  }
  event.preventDefault();
}

/** Puts the emoji at `index` in the field, focused, and first among the recently used. */
function choose(state, index) {
  const choice = state.shown[index];
  if (!choice) return;
  close(false);
  state.input.value = choice.emoji;
  state.input.dispatchEvent(new Event('input', { bubbles: true }));
  state.input.focus();
  const seen = recent.findIndex((kept) => kept.emoji === choice.emoji);
  if (seen >= 0) recent.splice(seen, 1);
  recent.unshift(choice);
  recent.length = Math.min(recent.length, RECENT_KEPT);
}

document.addEventListener('click', (event) => {
  const button = event.target.closest?.('.pick');
  if (button) toggle(button);
});
// The click that loaded this module.
const first = document.querySelector('.pick[data-opening]');
if (first) {
  first.removeAttribute('data-opening');
  toggle(first);
}
