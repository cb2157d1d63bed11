// Loaded only by the pages that have aliases (overrides/main.html).
//
// Renamed anchors keep working: staff paste links such as /fr/mail/setup/#smtp
// into tickets for years. When the #anchor names no element of the page but is
// an old id of it (data/anchor-aliases.yml, written into the page that has
// aliases as <script type="application/json" id="mdx-anchor-aliases">, data
// that never runs), the address moves to the new id, without a new history
// entry, and the browser scrolls there as for any link (location.replace: the
// heading is shown below the header, a content tab is selected).
(() => {
  const data = document.getElementById("mdx-anchor-aliases")
  if (!data) return
  let aliases
  try {
    aliases = JSON.parse(data.textContent)
  } catch (error) {
    return
  }

  function follow() {
    let id
    try {
      id = decodeURIComponent(location.hash.slice(1))
    } catch (error) {
      return
    }
    if (!id || document.getElementById(id)) return
    let next = id
    for (let hops = 0; hops < 5 && Object.prototype.hasOwnProperty.call(aliases, next) && !document.getElementById(next); hops++) {
      next = aliases[next] // an id renamed twice: first -> second -> current
    }
    if (next !== id && document.getElementById(next)) {
      location.replace("#" + encodeURIComponent(next))
    }
  }

  follow()
  window.addEventListener("hashchange", follow)
})()
