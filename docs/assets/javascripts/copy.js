// Copy buttons and heading links.
//
// - A button.mdx-copy (overrides/partials/ports-table.html) copies its
//   data-copy value: a host name, a port. Without one (the staff link sheet),
//   it copies the address of the link just before it.
// - A heading's permalink (Material's ¶, a.headerlink) still goes to its
//   heading, and also copies the page's full URL with that #anchor, for staff
//   who paste it into a ticket.
//
// Either way a status says so, visibly and to screen readers (role="status"),
// in the words the template wrote in the page's language: none are written here.
(() => {
  // The status (overrides/main.html) exists before it speaks: a live region
  // added together with its text is not announced.
  const status = document.querySelector(".mdx-status[data-copied]")
  const inner = status && status.firstElementChild
  let timer

  function say(key) { // "copied" or "linkCopied": data-copied, data-link-copied
    if (!inner || !status.dataset[key]) return
    clearTimeout(timer)
    inner.textContent = status.dataset[key]
    status.classList.add("md-dialog--active")
    timer = setTimeout(() => {
      status.classList.remove("md-dialog--active")
      timer = setTimeout(() => { inner.textContent = "" }, 500) // the same words again are announced again
    }, 2000)
  }

  // The clipboard API needs a secure context (https, localhost); elsewhere
  // (a preview on http://) the older copy command, fed through its event.
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(() => legacyCopy(text))
    }
    return legacyCopy(text)
  }

  function legacyCopy(text) {
    const feed = (event) => {
      event.clipboardData.setData("text/plain", text)
      event.preventDefault()
    }
    document.addEventListener("copy", feed, { once: true })
    const done = document.execCommand("copy")
    document.removeEventListener("copy", feed)
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"))
  }

  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element)) return
    const button = event.target.closest("button.mdx-copy")
    const text = button && (button.dataset.copy ?? button.previousElementSibling?.href)
    if (text) {
      copy(text).then(() => say("copied"), () => {})
      return
    }
    const link = event.target.closest("a.headerlink")
    if (link && !event.defaultPrevented && event.button === 0 && !(event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)) {
      const url = new URL(link.href)
      url.search = "" // not the search highlight (?h=...)
      copy(url.href).then(() => say("linkCopied"), () => {})
    }
  })
})()
