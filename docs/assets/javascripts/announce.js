// The announcement banner (overrides/main.html, block announce): each announcement says its start and
// end in words, and carries them as data-start / data-end (UTC). Once its end has passed on the reader's
// clock, it is hidden; once none is left, so is Material's banner area. Without this script the banner
// still says the dates, so it is never wrong, only late to go.
(() => {
  const items = document.querySelectorAll(".mdx-banner__item[data-end]")
  if (!items.length) return
  const now = Date.now()
  let shown = 0
  for (const item of items) {
    const end = Date.parse(item.dataset.end)
    if (!Number.isNaN(end) && now >= end) item.hidden = true
    else shown += 1
  }
  if (!shown) {
    const area = document.querySelector('[data-md-component="announce"]')
    if (area) area.hidden = true
  }
})()
