// Runs Material's own search worker on a built site's index, in Node, without a browser:
// the same code (assets/javascripts/workers/search.*.min.js, lunr and its stemmers) the page
// runs in a Web Worker. tests/test_search.py uses it for the customers' queries.
//
//   node tests/search.mjs SITE LANG QUERIES.json  ->  per query, the pages found (best first), each as
//   the list of its items' locations in Material's order: [[["mail/setup/#smtp", "mail/setup/", ...], ...], ...]
//   (the first item of a page is the one shown first under it: a section, page#anchor, or the page)
//   node tests/search.mjs SITE LANG QUERIES.json terms  ->  per query, the first result's words, as Material
//   shows them: {"word": true (found, highlighted on the page opened) or false (listed as "Missing")}
//   node tests/search.mjs SITE LANG  ->  the same for each line of standard input, {"queries": [...], "what":
//   "pages" or "terms"}, a line of output each: the index is built once for every request (tests/test_search.py)
import { readFileSync, readdirSync } from "node:fs"
import path from "node:path"
import vm from "node:vm"

const [site, lang, queriesFile, what] = process.argv.slice(2)
const root = lang === "en" ? site : path.join(site, lang)
const index = JSON.parse(readFileSync(path.join(root, "search", "search_index.json"), "utf8"))
const workers = path.join(site, "assets", "javascripts", "workers")
const worker = readdirSync(workers).find(name => /^search\.[0-9a-f]+\.min\.js$/.test(name))

let listener
const replies = []
const context = { console, setTimeout, clearTimeout, URL, TextEncoder, TextDecoder }
context.self = context
context.addEventListener = (type, handler) => { if (type === "message") listener = handler }
context.postMessage = message => replies.push(message)
context.importScripts = (...urls) => {
  for (const url of urls) vm.runInContext(readFileSync(path.join(workers, url), "utf8"), context)
}
vm.createContext(context)
vm.runInContext(readFileSync(path.join(workers, worker), "utf8"), context)

async function ask(message) {
  const before = replies.length
  await listener({ data: message })
  while (replies.length === before) await new Promise(resolve => setTimeout(resolve, 1))
  return replies[replies.length - 1]
}

await ask({ type: 0, data: { config: index.config, docs: index.docs, options: { suggest: false } } })

async function search(queries, what) {
  const results = []
  for (const query of queries) {
    const reply = await ask({ type: 2, data: query })
    const items = reply.data.items
    results.push(what === "terms" ? (items.length ? items[0][0].terms : null) : items.map(group => group.map(item => item.location)))
  }
  return results
}

if (queriesFile) {
  process.stdout.write(JSON.stringify(await search(JSON.parse(readFileSync(queriesFile, "utf8")), what)))
} else {
  const { createInterface } = await import("node:readline")
  for await (const line of createInterface({ input: process.stdin })) {
    const request = JSON.parse(line)
    process.stdout.write(JSON.stringify(await search(request.queries, request.what)) + "\n")
  }
}
