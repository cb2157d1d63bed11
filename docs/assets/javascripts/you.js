// The reader's own address in the mail pages, in this browser only: the field, the places that show it,
// the device chosen, the personal Apple profile, the staff sheet's links. What it keeps, where, and why
// nothing is sent: README, "Your own settings: what the mail pages keep"; the markers: artelabs/markers/you.py.
(() => {
  const KEY = "artelabs.you"
  const field = document.querySelector("[data-you-field]")
  const variant = field ? field.dataset.youField : ""
  const words = field ? JSON.parse(field.dataset.words) : {}
  const staff = variant === "staff"
  const slots = [...document.querySelectorAll("[data-you]")]
  const input = field && field.querySelector("input[type=text]")
  const message = field && field.querySelector("[role=status]")
  const remember = field && field.querySelector("[data-you-remember]")
  const forget = field && field.querySelector("[data-you-forget]")

  // ---------------------------------------------------------------------------
  // Reading an address as a person types or pastes it
  // ---------------------------------------------------------------------------

  // {local, domain, ascii, address, typed} or {error, char} or null (nothing typed). `domainAlone`: the
  // DNS page's field also takes a domain without an address.
  function parse(raw, domainAlone) {
    let text = String(raw).normalize("NFKC").replace(/[\u200b-\u200d\u2060\ufeff]/g, "").replace(/\s+/g, " ").trim()
    if (!text) return null
    const angle = text.match(/<([^<>]*)>\W*$/) // "Anne Muster" <anne@example.ch>
    if (angle && angle[1].includes("@")) text = angle[1].trim()
    if (/^mailto:/i.test(text)) {
      text = text.slice(7).split("?")[0]
      try { text = decodeURIComponent(text) } catch (error) { /* as written */ }
    }
    if (domainAlone && !text.includes("@") && /^[a-z]+:\/\//i.test(text)) {
      text = text.replace(/^[a-z]+:\/\//i, "").split(/[/?#]/)[0] // https://example.ch/… -> example.ch
    }
    text = text.replace(/^["'“‘«([]+|["'”’»)\].,;:!?]+$/g, "").trim().replace(/\s*@\s*/g, "@")
    const ats = text.split("@").length - 1
    if (/[,;]/.test(text) || (ats > 1 && /\s/.test(text))) return { error: "several" }
    if (/\s/.test(text)) return { error: "space" }
    if (ats > 1) return { error: "at" }
    if (ats === 0 && !domainAlone) return { error: "no-at" }
    const [local, domain] = ats ? text.split("@") : ["", text]
    if (ats) {
      const problem = localProblem(local)
      if (problem) return problem
    }
    const name = domainName(domain)
    if (name.error) return name
    const address = local ? `${local}@${name.ascii}` : ""
    return { local, domain: name.unicode, ascii: name.ascii, address, typed: local ? `${local}@${name.unicode}` : name.unicode }
  }

  // Before the @ of an Infomaniak address (its FAQ 438): letters a-z and A-Z, digits, dots, hyphens and
  // underscores; no dot first, last or twice in a row; no hyphen first or last; 64 characters at most.
  function localProblem(local) {
    if (!local) return { error: "local-empty" }
    const odd = local.match(/[^A-Za-z0-9._-]/)
    if (odd) return { error: "local-char", char: odd[0] }
    if (/^\.|\.$|\.\./.test(local)) return { error: "local-dot" }
    if (/^-|-$/.test(local)) return { error: "local-hyphen" }
    if (local.length > 64) return { error: "local-long" }
    return null
  }

  // A domain name: its ASCII form (the browser's own IDNA, as for a web address) and the form it was typed in.
  function domainName(typed) {
    const name = typed.replace(/\.$/, "")
    const odd = name.match(/[\s/?#:@[\]\\%<>^|"'`{}=,;*!$&+~()]/)
    if (odd) return { error: "domain-char", char: odd[0] }
    if (!name.includes(".")) return { error: "domain-dot" }
    if (name.split(".").some((label) => !label)) return { error: "domain-label" }
    if (/^[\d.]+$/.test(name)) return { error: "domain-ip" }
    if (/^\d+$/.test(name.split(".").pop())) return { error: "domain-tld" }
    let ascii
    try {
      ascii = new URL(`http://${name}/`).hostname
    } catch (error) {
      return { error: "domain-label" }
    }
    const labels = ascii.split(".")
    for (const label of labels) {
      const bad = label.match(/[^a-z0-9-]/)
      if (bad) return { error: "domain-char", char: bad[0] }
      if (/^-|-$/.test(label)) return { error: "domain-label" }
      if (label.length > 63) return { error: "domain-long" }
    }
    if (ascii.length > 253) return { error: "domain-long" }
    return { ascii, unicode: name.toLowerCase() }
  }

  // ---------------------------------------------------------------------------
  // Showing it in the page
  // ---------------------------------------------------------------------------

  function fill(found) {
    if (found && found.error) found = null
    for (const slot of slots) {
      const kind = slot.dataset.you
      const value = !found ? "" : kind === "address" ? found.address : kind === "local" ? found.local : found.ascii
      show(slot, value ? (slot.dataset.youBefore || "") + value : "")
    }
    for (const link of document.querySelectorAll("a[data-you-link]")) {
      link.dataset.youHref ??= link.getAttribute("href")
      link.href = found ? `${link.dataset.youHref}&address=${encodeURIComponent(found.typed)}` : link.dataset.youHref
    }
    profile(found)
  }

  function show(slot, value) {
    let generic = slot.querySelector(":scope > .mdx-you__generic")
    let own = slot.querySelector(":scope > .mdx-you__own")
    if (!value) {
      if (own) [own.hidden, generic.hidden] = [true, false]
      return
    }
    if (!generic) {
      generic = element("span", "mdx-you__generic")
      generic.append(...slot.childNodes)
      own = element("span", "mdx-you__own")
      slot.append(generic, own)
    }
    const shown = slot.localName === "code" ? document.createTextNode(value) : element("code", "", value)
    const copy = slot.dataset.youCopy && copyButton(value, slot.dataset.youCopy)
    const whole = copy ? element("span", "mdx-copyable", shown, copy) : shown
    const beside = slot.dataset.youBeside // the words stay, the value beside them: "@ (in full: example.ch)"
    if (beside) {
      const [before, after] = beside.split("{name}")
      own.replaceChildren(` (${before}`, whole, `${after})`)
    } else own.replaceChildren(whole)
    ;[own.hidden, generic.hidden] = [false, Boolean(!beside)]
  }

  // A copy button like the tables' own (overrides/partials/ports-table.html: copy.js does the copying).
  function copyButton(value, word) {
    const model = document.querySelector("button.mdx-copy[data-copy]")
    if (!model) return null
    const button = model.cloneNode(true)
    button.dataset.copy = value
    button.setAttribute("aria-label", `${word} ${value}`)
    return button
  }

  function element(name, className, ...children) {
    const made = document.createElement(name)
    if (className) made.className = className
    made.append(...children)
    return made
  }

  function say(text, error) {
    if (!message) return
    message.textContent = text
    message.classList.toggle("mdx-you-field__message--error", Boolean(error))
    input.setAttribute("aria-invalid", error ? "true" : "false")
  }

  function phrase(key, values) {
    return (words[key] || "").replace(/\{(\w+)\}/g, (whole, name) => values[name] ?? whole)
  }

  function report(found) {
    if (!found) return say("")
    let text = found.address ? phrase(staff ? "shown-staff" : "shown", { address: found.typed }) : phrase("shown-domain", { domain: found.domain })
    if (found.ascii !== found.domain) text += " " + phrase("idn", { domain: found.domain, ascii: found.ascii })
    say(text)
  }

  // ---------------------------------------------------------------------------
  // Keeping it: this tab only, unless remembered on this device
  // ---------------------------------------------------------------------------

  function stored() {
    try {
      return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY) ?? ""
    } catch (error) {
      return "" // storage refused (a private window's settings): the page still works, for this page only
    }
  }

  let linked = null // an address that came with a link: for this tab only, until the reader changes it

  function keep(value) {
    if (staff) return // the staff sheet keeps nothing: a customer's address is not staff's own
    try {
      if (value) sessionStorage.setItem(KEY, value)
      else sessionStorage.removeItem(KEY)
      if (linked !== null && value === linked) return // what this device remembers stays as it was
      if (value && remember && remember.checked) localStorage.setItem(KEY, value)
      else if (!value || (remember && !remember.checked)) localStorage.removeItem(KEY)
    } catch (error) { /* not kept */ }
  }

  // An address after the # (#smtp&address=…): kept for this tab, and the page goes on to #smtp.
  function fromLink() {
    const parts = location.hash.slice(1).split("&")
    const at = parts.findIndex((part) => part.startsWith("address="))
    if (at < 0 || staff) return null
    let value = parts[at].slice("address=".length)
    try { value = decodeURIComponent(value) } catch (error) { /* as written */ }
    parts.splice(at, 1)
    const rest = parts.join("&")
    if (rest) location.replace(`#${rest}`) // scrolls there, selects a content tab (Material), no history entry
    else history.replaceState(history.state, "", location.pathname + location.search)
    try { sessionStorage.setItem(KEY, value) } catch (error) { /* not kept */ }
    return value
  }

  // ---------------------------------------------------------------------------
  // The field
  // ---------------------------------------------------------------------------

  function typed(commit) {
    const found = parse(input.value, variant === "domain")
    if (found && found.error) {
      fill(null)
      keep("")
      if (forget) forget.hidden = !input.value
      if (commit) say(phrase(`error.${found.error}`, { char: found.char || "" }), true)
      else if (message.textContent) say("")
      return
    }
    if (commit && found && input.value !== found.typed) input.value = found.typed // as it will be read back
    fill(found)
    keep(found ? found.typed : "")
    report(found)
    if (forget) forget.hidden = !found
  }

  function start() {
    linked = fromLink()
    const value = linked ?? (staff ? "" : stored())
    if (input) {
      try {
        if (remember) remember.checked = linked === null && localStorage.getItem(KEY) !== null
      } catch (error) { /* unticked */ }
      if (variant === "domain" || !value || value.includes("@")) {
        input.value = value
        typed(true)
      } else {
        fill(parse(value, true)) // a domain alone, typed on the DNS page: this field asks for an address
      }
      input.addEventListener("input", () => {
        linked = null
        typed(false)
      })
      input.addEventListener("change", () => typed(true))
      input.addEventListener("paste", () => setTimeout(() => typed(true)))
      input.addEventListener("keydown", (event) => event.key === "Enter" && typed(true))
      remember?.addEventListener("change", () => {
        linked = null
        typed(false)
      })
      forget?.addEventListener("click", () => {
        linked = null
        input.value = ""
        remember.checked = false
        typed(false)
        say(words.forgotten)
        input.focus()
      })
      devices()
      field.hidden = false
    } else {
      fill(parse(value, true))
    }
    window.addEventListener("hashchange", () => {
      const again = fromLink()
      if (again === null) return
      linked = again
      if (input) {
        if (remember) remember.checked = false
        input.value = again
        typed(true)
      } else fill(parse(again, true))
    })
  }

  // ---------------------------------------------------------------------------
  // "I use": Material's memory of content tabs
  // ---------------------------------------------------------------------------

  function devices() {
    const select = field.querySelector("[data-you-device]")
    if (!select) return
    const options = [...select.options].filter((option) => option.value)
    const tokens = options.map((option) => option.dataset.token)
    const memory = () => (typeof __md_get === "function" && __md_get("__tabs")) || []
    const choice = () => {
      const list = memory()
      for (const [index, entry] of list.entries()) {
        const own = options.find((option) => option.dataset.token === entry)
        if (own) return own
        const holders = options.filter((option) => option.dataset.tab === entry)
        if (holders.length) return holders.find((option) => list.indexOf(option.dataset.token) > index) || holders[0]
      }
      return null
    }
    const steps = field.querySelector("[data-you-steps]")
    const apply = (option) => {
      const key = option ? option.dataset.token.split("/")[0] : ""
      for (const box of document.querySelectorAll(".tabbed-block > details")) {
        const first = box.parentElement.querySelector(":scope > details")
        if (key && box !== first && box.querySelector("summary")?.textContent.trim().startsWith(key)) first.before(box)
      }
      steps.hidden = !option
      if (option) {
        steps.href = option.dataset.link
        steps.textContent = option.value === "other" ? words.other : phrase("steps", { device: option.textContent })
      }
    }
    select.value = choice()?.value || ""
    apply(choice())
    select.addEventListener("change", () => {
      const option = options.find((each) => each.value === select.value)
      const tab = option && option.dataset.tab
      if (tab) {
        for (const label of document.querySelectorAll(".tabbed-labels > label")) {
          const radio = document.getElementById(label.htmlFor)
          if (label.innerText.trim() === tab && radio && !radio.checked) radio.click() // Material follows
        }
      }
      const rest = memory().filter((entry) => !tokens.includes(entry) && entry !== tab)
      if (typeof __md_set === "function") __md_set("__tabs", option ? [option.dataset.token, ...(tab ? [tab] : []), ...rest] : rest)
      apply(option)
    })
  }

  // ---------------------------------------------------------------------------
  // The Apple profile, with the address filled in
  // ---------------------------------------------------------------------------

  const offer = document.querySelector("[data-you-profile]")
  const generic = offer && offer.closest(".admonition")?.querySelector('a.md-button[href$=".mobileconfig"]')
  let source = null // the generic profile's text, fetched once (no address in the request)
  let made = 0

  function profile(found) {
    if (!offer || !generic) return
    const turn = ++made
    const address = found && found.address
    offer.hidden = true
    generic.classList.add("md-button--primary")
    const link = offer.querySelector("a")
    if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href)
    link.href = generic.href // until the address's own is made
    if (!address) return
    source ??= fetch(generic.href).then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
    source.then((text) => personalProfile(text, address)).then((xml) => {
      if (turn !== made) return // typed on since
      const texts = JSON.parse(offer.dataset.words)
      link.href = URL.createObjectURL(new Blob([xml], { type: "application/x-apple-aspen-config" }))
      link.download = `artelabs-mail-${address}.mobileconfig`
      link.textContent = texts.link.replace("{address}", address)
      offer.querySelector("[data-you-profile-text]").textContent = texts.text.replace("{address}", address)
      generic.classList.remove("md-button--primary")
      offer.hidden = false
    }, () => { source = null }) // not this time: the generic profile stays
  }

  async function personalProfile(text, address) {
    const texts = JSON.parse(offer.dataset.words)
    const doc = new DOMParser().parseFromString(text, "application/xml")
    const top = doc.querySelector("plist > dict")
    const payload = top && get(top, "PayloadContent")?.querySelector("dict")
    if (!payload || doc.querySelector("parsererror")) throw new Error("not a profile")
    const identifier = get(top, "PayloadIdentifier").textContent
    const name = texts.name.replace("{address}", address)
    const description = texts.description.replaceAll("{address}", address)
    const suffix = hex(await sha1(new TextEncoder().encode(`${identifier}\0${address.toLowerCase()}`))).slice(0, 12)
    put(top, "PayloadIdentifier", `${identifier}.${suffix}`)
    put(payload, "PayloadIdentifier", `${identifier}.${suffix}.account`)
    put(top, "PayloadUUID", await uuid5(get(top, "PayloadUUID").textContent, address))
    put(payload, "PayloadUUID", await uuid5(get(payload, "PayloadUUID").textContent, address))
    put(top, "PayloadDisplayName", name)
    put(top, "PayloadDescription", description)
    put(payload, "PayloadDescription", description)
    put(payload, "PayloadDisplayName", address)
    for (const key of ["EmailAccountDescription", "EmailAddress", "IncomingMailServerUsername", "OutgoingMailServerUsername"]) {
      put(payload, key, address)
    }
    const serializer = new XMLSerializer()
    return `<?xml version="1.0" encoding="UTF-8"?>\n${serializer.serializeToString(doc.doctype)}\n${serializer.serializeToString(doc.documentElement)}\n`
  }

  function get(dict, key) {
    for (const child of dict.children) if (child.localName === "key" && child.textContent === key) return child.nextElementSibling
    return null
  }

  // A string under its key, the keys in order as the generic profile has them (sorted).
  function put(dict, key, value) {
    const found = get(dict, key)
    if (found) {
      found.textContent = value
      return
    }
    const doc = dict.ownerDocument
    const next = [...dict.children].find((child) => child.localName === "key" && child.textContent > key)
    const indent = (next || dict.lastElementChild)?.previousSibling?.textContent || "\n"
    const nodes = [doc.createTextNode(indent), doc.createElement("key"), doc.createTextNode(indent), doc.createElement("string")]
    nodes[1].textContent = key
    nodes[3].textContent = value
    if (next) next.previousSibling.before(...nodes)
    else dict.lastElementChild.after(...nodes)
  }

  // SHA-1 of the bytes; without a secure context (a preview on http://, no crypto.subtle), random bytes.
  async function sha1(bytes) {
    return crypto.subtle ? new Uint8Array(await crypto.subtle.digest("SHA-1", bytes)) : crypto.getRandomValues(new Uint8Array(20))
  }

  function hex(bytes) {
    return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")
  }

  // RFC 9562's version 5 UUID of `name` in `namespace`: the same address gives the same profile.
  async function uuid5(namespace, name) {
    const space = namespace.replace(/-/g, "").match(/../g).map((pair) => parseInt(pair, 16))
    const bytes = (await sha1(new Uint8Array([...space, ...new TextEncoder().encode(name)]))).slice(0, 16)
    bytes[6] = (bytes[6] & 0x0f) | 0x50
    bytes[8] = (bytes[8] & 0x3f) | 0x80
    const h = hex(bytes)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`.toUpperCase()
  }

  if (field || slots.length) start()
})()
