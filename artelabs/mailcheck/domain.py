"""`domain`: a customer's DNS against what /mail/domain/ tells them to set (the `dns` section of data/ports.yml).

One check per entry of `dns`, by its id; the page's section of the same id explains the fix
(/mail/domain/#mx, #spf, #dkim, #dmarc; each must be in data/anchors.txt):
- mx: MX records pointing to the provider's host (dns[mx].value) and to no other;
- spf: one SPF record, with the provider's include (provider.spf), ending in -all or ~all, needing at
  most 10 DNS look-ups (include, a, mx, ptr, exists and redirect, counted through every include);
- dkim: a key at SELECTOR._domainkey (--dkim-selector); without it, the line says where staff find the
  selector (dns[dkim].note);
- dmarc: one DMARC record at dns[dmarc].name, its policy explained; p=none is reported.
An entry of another id is skipped and named (the command has no check for it).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from artelabs.mailcheck import (
    DIFFERENT,
    OK,
    SKIPPED,
    UNCHECKED,
    Result,
    Settings,
    Site,
    run_parallel,
)

PAGE = "mail/domain/"
LOOKUP_LIMIT = 10                     # RFC 7208 section 4.6.4
SPF_ENDINGS = ("-all", "~all")        # issue 21: -all (the provider's advice) or ~all
POLICIES = {  # what each DMARC policy asks of receiving servers (/mail/domain/#dmarc)
    "none": "receiving servers deliver mail that fails SPF and DKIM anyway (reports only)",
    "quarantine": "receiving servers put mail that fails SPF and DKIM in spam",
    "reject": "receiving servers refuse mail that fails SPF and DKIM",
}
SELECTOR = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*")


class NoSuchDomain(Exception):
    pass


class CouldNotCheck(Exception):
    pass


class Dns:
    """Look-ups through the resolver of the settings, each one line when it fails; all of one check
    within --timeout (an SPF record with many includes too)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.deadline = time.monotonic() + settings.timeout

    def query(self, name: str, kind: str) -> list[Any]:
        """The answers (none when the name has no record of this kind); NoSuchDomain on NXDOMAIN."""
        import dns.exception
        import dns.resolver

        left = self.deadline - time.monotonic()
        if left <= 0:
            raise CouldNotCheck(f"no DNS answer for {name} within {self.settings.timeout:g} s from {self.settings.resolver_label}")
        try:
            return list(self.settings.resolver.resolve(name, kind, search=False, lifetime=left))
        except dns.resolver.NXDOMAIN:
            raise NoSuchDomain(name) from None
        except dns.resolver.NoAnswer:
            return []
        except dns.exception.Timeout:
            raise CouldNotCheck(f"no DNS answer for {name} within {self.settings.timeout:g} s from {self.settings.resolver_label}") from None
        except dns.resolver.NoNameservers as error:
            reasons = {str(item[3]) for item in error.kwargs.get("errors") or []}
            why = f" ({'; '.join(sorted(reasons))[:160]})" if reasons else ""
            raise CouldNotCheck(f"{self.settings.resolver_label} gave no answer for {name} {kind}{why}") from None
        except dns.exception.DNSException as error:
            raise CouldNotCheck(f"{name} {kind}: {error}") from None

    def txt(self, name: str) -> list[str]:
        return [b"".join(answer.strings).decode("utf-8", "replace") for answer in self.query(name, "TXT")]


def spf_records(texts: list[str]) -> list[str]:
    return [text.strip() for text in texts if re.match(r"(?i)v=spf1(\s|$)", text.strip())]


# -----------------------------------------------------------------------------
# The checks, one per id of the data's `dns` section
# -----------------------------------------------------------------------------


class Checks:
    def __init__(self, domain: str, site: Site, settings: Settings, selector: str | None) -> None:
        self.domain, self.site, self.settings, self.selector = domain, site, settings, selector
        self.dns = Dns(settings)
        self.entries = {entry["id"]: entry for entry in site.data["dns"]}

    # MX -----------------------------------------------------------------------
    def mx(self, result: Result) -> None:
        want = (self.entries["mx"]["value"] or self.site.data["provider"]["mx"]).lower().rstrip(".")
        result.expected = f"MX {want} only"
        found = sorted((answer.preference, str(answer.exchange).lower().rstrip(".")) for answer in self.dns.query(self.domain, "MX"))
        result.found = ", ".join(f"MX {host or '.'} (priority {priority})" for priority, host in found) or "no MX"
        hosts = [host for _, host in found]
        if not hosts:
            result.problems.append({"text": f"no MX record: mail sent to {self.domain} bounces or goes astray, expected MX {want}"})
        elif hosts == [""]:
            result.problems.append({"text": f"a null MX (RFC 7505) refuses all mail for {self.domain}, expected MX {want}"})
        elif want not in hosts:
            result.problems.append({"text": f"MX points to {', '.join(hosts)}, not to the provider, expected MX {want}"})
        else:
            others = [host or "." for host in hosts if host != want]
            if others:
                result.problems.append({"text": f"MX also points to {', '.join(others)}: some mail goes there, expected MX {want} only"})

    # SPF ----------------------------------------------------------------------
    def spf(self, result: Result) -> None:
        include = self.site.data["provider"]["spf"].lower()
        value = self.entries["spf"]["value"] or f"v=spf1 {include} -all"
        result.expected = f"one SPF record with {include}, ending in {' or '.join(SPF_ENDINGS)}, at most {LOOKUP_LIMIT} DNS look-ups"
        records = spf_records(self.dns.txt(self.domain))
        if not records:
            result.found = "no SPF record"
            result.problems.append({"text": f"no SPF record: receivers cannot tell that the provider may send for {self.domain}, expected TXT \"{value}\""})
            return
        if len(records) > 1:  # which one a receiver reads is undefined: nothing more to say until they are merged
            result.found = " and ".join(f"\"{record}\"" for record in records)
            result.problems.append({"text": f"{len(records)} SPF records (a domain may have only one; receivers then reject both), expected one: merge them into \"{value}\""})
            return
        record = records[0]
        terms = [term.lower() for term in record.split()[1:]]
        if not any(term.lstrip("+") == include for term in terms):
            result.problems.append({"text": f"SPF has no {include}: mail sent through the provider fails SPF, expected \"{value}\""})
        count, ending, problems = self.lookups(record, {self.domain}, 0)
        result.problems.extend({"text": text} for text in problems)
        if ending is None:
            result.problems.append({"text": f"SPF does not end in an 'all' term: other servers are neither refused nor flagged, expected {' or '.join(SPF_ENDINGS)} at the end"})
        elif ending not in SPF_ENDINGS:
            what = "any server in the world may send as " + self.domain if ending.startswith("+") else "receivers are told nothing about other servers (neutral)"
            result.problems.append({"text": f"SPF ends in {ending}: {what}, expected {' or '.join(SPF_ENDINGS)}"})
        if count > LOOKUP_LIMIT:
            result.problems.append({"text": f"SPF needs {count} DNS look-ups (include, a, mx, ptr, exists, redirect), expected at most {LOOKUP_LIMIT}: receivers then treat it as an error; remove the includes of services no longer used"})
        result.found = f"\"{record}\" ({count} DNS look-ups)"

    def lookups(self, record: str, seen: set[str], depth: int) -> tuple[int, str | None, list[str]]:
        """DNS look-ups of an SPF record through its includes and redirect; its final 'all'; the problems."""
        count, ending, problems = 0, None, []
        redirect = None
        for term in record.split()[1:]:
            term = term.lower()
            bare = term.lstrip("+-~?")
            qualifier = term[0] if term[0] in "+-~?" else "+"
            if bare == "all":
                ending = f"{qualifier}all"
            elif bare.startswith("include:"):
                count += 1
                more, _, found = self.follow(bare[8:], seen, depth, "include")
                count, problems = count + more, problems + found
            elif bare.startswith("redirect="):
                redirect = bare[9:]
            elif bare in ("a", "mx", "ptr") or bare.startswith(("a:", "a/", "mx:", "mx/", "ptr:", "exists:")):
                count += 1
        if redirect is not None and ending is None:  # a redirect counts, and is followed, only without 'all'
            more, ending, found = self.follow(redirect, seen, depth, "redirect")
            count, problems = count + 1 + more, problems + found
        return count, ending, problems

    def follow(self, name: str, seen: set[str], depth: int, how: str) -> tuple[int, str | None, list[str]]:
        if "%" in name or name in seen or depth >= LOOKUP_LIMIT:  # a macro cannot be followed; a loop is cut
            return 0, None, []
        seen.add(name)
        try:
            records = spf_records(self.dns.txt(name))
        except NoSuchDomain:
            records = []
        if len(records) != 1:
            return 0, None, [f"SPF {how} {name} has {len(records) or 'no'} SPF record{'s' if len(records) != 1 else ''}, expected one: receivers treat it as an error; fix or remove it"]
        return self.lookups(records[0], seen, depth + 1)

    # DKIM ---------------------------------------------------------------------
    def dkim(self, result: Result) -> None:
        note = self.entries["dkim"]["note"]["en"]
        if not self.selector:
            result.status = SKIPPED
            result.expected = "a DKIM key at SELECTOR._domainkey"
            result.found = f"DKIM not checked: give --dkim-selector SELECTOR. {note}"
            return
        name = f"{self.selector}._domainkey.{self.domain}"
        result.expected = f"a DKIM key at {name}"
        try:
            texts = self.dns.txt(name)
        except NoSuchDomain:
            texts = []
        keys = [text for text in texts if re.search(r"(^|;)\s*p=", text)]
        if not keys:
            result.found = "no DKIM record"
            result.problems.append({"text": f"no DKIM key for selector {self.selector} ({name}): mail is not signed as {self.domain}, expected the key the provider generated for the domain, at this selector"})
        elif not re.search(r"(^|;)\s*p=[^;\s]", keys[0]):
            result.found = "a revoked DKIM key (empty p=)"
            result.problems.append({"text": f"the DKIM key for selector {self.selector} is revoked (empty p=), expected the key shown in the provider's Manager"})
        else:
            result.found = f"DKIM key for selector {self.selector}"

    # DMARC --------------------------------------------------------------------
    def dmarc(self, result: Result) -> None:
        if not self.entries["dmarc"]["name"]:
            result.status, result.found = SKIPPED, "DMARC not checked: data/ports.yml gives dns[dmarc] no name"
            return
        name = f"{self.entries['dmarc']['name']}.{self.domain}"
        result.expected = f"one DMARC record at {name} with p=quarantine or p=reject"
        try:
            records = [text.strip() for text in self.dns.txt(name) if re.match(r"(?i)v\s*=\s*DMARC1\s*(;|$)", text.strip())]
        except NoSuchDomain:
            records = []
        if not records:
            result.found = "no DMARC record"
            result.problems.append({"text": f"no DMARC record at {name}: receivers decide alone what to do with forged mail from {self.domain}, expected a TXT record \"v=DMARC1; p=…\" (none, quarantine or reject)"})
            return
        if len(records) > 1:
            result.found = f"{len(records)} DMARC records"
            result.problems.append({"text": f"{len(records)} DMARC records at {name}: receivers ignore them all, expected one"})
            return
        tags = {key.strip().lower(): value.strip() for key, _, value in (part.partition("=") for part in records[0].split(";"))}
        policy = tags.get("p", "").lower()
        result.found = f"DMARC p={policy or '(none given)'}"
        if policy not in POLICIES:
            result.problems.append({"text": f"the DMARC record has {'no p= policy' if not policy else f'an unknown policy p={policy}'}: receivers ignore it, expected p=none, p=quarantine or p=reject"})
        elif policy == "none":
            result.problems.append({"text": f"DMARC policy is none: {POLICIES['none']}; once every service sending for {self.domain} passes SPF or DKIM, expected p=quarantine or p=reject"})
        else:
            result.found += f": {POLICIES[policy]}"


# -----------------------------------------------------------------------------
# Running them
# -----------------------------------------------------------------------------


def anchor(site: Site, check_id: str) -> str:
    """The page's section for a check: its own id (#spf), else the table's row (#dns-spf), else the page."""
    for candidate in (check_id, f"dns-{check_id}", "domain"):
        if f"/{PAGE}#{candidate}" in site.anchors:
            return candidate
    return ""


def printable_anchors(site: Site) -> set[str]:
    """Every /page/#id the command can print (tests/test_mailcheck.py checks each is in data/anchors.txt)."""
    return {f"/{PAGE}#{anchor(site, entry['id'])}" for entry in site.data["dns"]}


def url(site: Site, lang: str, check_id: str) -> str:
    found = anchor(site, check_id)
    return f"{site.site_url}{site.languages[lang]}{PAGE}" + (f"#{found}" if found else "")


def check_domain(domain: str, site: Site, settings: Settings, selector: str | None, lang: str,
                 progress: Callable[[int, int], None] | None = None) -> tuple[list[Result], str | None]:
    """One result per entry of data's `dns`; the second value is why the domain could not be checked at
    all (NXDOMAIN), else None."""
    def task(entry: dict[str, Any]) -> Callable[[], Result]:
        def run() -> Result:
            started = time.monotonic()
            result = Result(entry["id"], OK, "", "")
            checks = Checks(domain, site, settings, selector)  # its own time limit
            method = getattr(checks, entry["id"].replace("-", "_"), None) if entry["id"] in ("mx", "spf", "dkim", "dmarc") else None
            if method is None:
                result.status, result.found = SKIPPED, f"{entry['type']} record '{entry['id']}' of data/ports.yml: not checked by this command"
                return result
            try:
                method(result)
            except NoSuchDomain as error:
                result.status, result.found = UNCHECKED, f"no such domain: {error} (NXDOMAIN)"
                result.details["nxdomain"] = str(error) == domain
            except CouldNotCheck as error:
                result.status, result.found = UNCHECKED, f"could not check: {error}"
            except Exception as error:  # noqa: BLE001 (an answer this code did not foresee: one line, never a traceback)
                result.status, result.found = UNCHECKED, f"could not check: {type(error).__name__}: {error}"
            if result.problems:
                result.status = DIFFERENT
                for problem in result.problems:
                    problem["url"] = url(site, lang, entry["id"])
            result.seconds = time.monotonic() - started
            return result
        return run

    results = run_parallel([task(entry) for entry in site.data["dns"]], progress)
    if any(result.details.get("nxdomain") for result in results):
        return results, f"no such domain (NXDOMAIN from {settings.resolver_label}); check the spelling"
    return results, None


def lines(domain: str, results: list[Result], fatal: str | None) -> list[str]:
    """The text output: one line per problem (with the section's address), per check that could not be
    made, then one summary line."""
    if fatal:
        return [f"{domain}: {fatal}"]
    ran = [result for result in results if result.status != SKIPPED]
    if ran and all(result.status == UNCHECKED for result in ran):  # the same cause, as a rule: one line
        return [f"{domain}: {ran[0].found} (could not check {', '.join(result.id.upper() for result in ran)})"]
    out = []
    for result in results:
        out.extend(f"{domain}: {problem['text']}; fix: {problem['url']}" for problem in result.problems)
        if result.status == UNCHECKED:
            out.append(f"{domain}: {result.id.upper()} {result.found}")
    good = [result.found for result in results if result.status == OK]
    skipped = [result.found for result in results if result.status == SKIPPED]
    problems = sum(len(result.problems) for result in results)
    unchecked = [result.id.upper() for result in results if result.status == UNCHECKED]
    if problems:
        head = f"{problems} problem{'s' if problems > 1 else ''} found"
    elif unchecked:
        head = f"could not check {', '.join(unchecked)}"
    else:
        head = "no problem found"
    out.append(f"{domain}: {head}" + (f"; as expected: {'; '.join(good)}" if good else "") + "".join(f"; {text}" for text in skipped))
    return out
