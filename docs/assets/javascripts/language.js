// The language selector links to the same page in the other language;
// keep the section the reader is on (#smtp) when they switch.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("a[hreflang].md-select__link")
  if (link && location.hash) link.hash = location.hash
})
