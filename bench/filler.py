"""Unrelated filler files: the code, configuration and prose a real connector repository also holds.

Every generator takes a seeded ``random.Random`` and returns text, so the same
seed gives the same bytes. The Rust filler is std-only and compiles (modules
are declared from ``src/support/mod.rs``); the Python filler is stdlib-only
and compiles. None of it uses the protocol: these are the files a migration
must look past.
"""

from __future__ import annotations

import json
import random

from .words import ADJECTIVES, NOUNS, VERBS


class Names:
    """Fresh snake/Pascal names, unique within one file or folder."""

    def __init__(self, rng: random.Random, avoid: set[str] | None = None):
        self.rng = rng
        self.used: set[str] = set(avoid or ())
        from .rename import is_sticky

        self.nouns = [w for w in NOUNS if not is_sticky(w)]
        self.verbs = [w for w in VERBS if not is_sticky(w)]

    def _fresh(self, make) -> str:
        for _ in range(100):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        name = make() + str(len(self.used))
        self.used.add(name)
        return name

    def noun(self) -> str:
        return self._fresh(lambda: self.rng.choice(self.nouns))

    def snake(self) -> str:
        return self._fresh(lambda: f"{self.rng.choice(self.verbs)}_{self.rng.choice(self.nouns)}")

    def pascal(self) -> str:
        return self._fresh(lambda: self.rng.choice(self.nouns).title() + self.rng.choice(self.nouns).title())

    def module(self) -> str:
        return self._fresh(lambda: f"{self.rng.choice(self.nouns)}_{self.rng.choice(self.nouns)}")


def sentence(rng: random.Random) -> str:
    adj, noun, verb, noun2 = rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(VERBS), rng.choice(NOUNS)
    forms = [
        f"The {adj} {noun} helpers {verb} each {noun2} before it is stored.",
        f"Use this to {verb} a {noun} when the {noun2} table grows past its limit.",
        f"Every {noun} keeps its own {adj} {noun2}; nothing here is shared between runs.",
        f"A {noun2} that cannot be parsed is skipped and counted, never guessed.",
        f"This mirrors how the {noun} service handles a {adj} {noun2}.",
        f"Values are {verb}ed in place so that a large {noun2} does not need a second buffer.",
        f"See the {noun} notes for why the {noun2} order matters here.",
    ]
    return rng.choice(forms)


def paragraph(rng: random.Random, n: int | None = None) -> str:
    return " ".join(sentence(rng) for _ in range(n or rng.randint(2, 5)))


# ------------------------------------------------------------------ Rust

_RUST_FNS = [
    # (needs, template); {f} = function name, {n} = a number
    ((), '''/// Folds `data` into a rolling checksum ({n} is the starting state).
pub fn {f}(data: &[u8]) -> u32 {{
    let mut acc: u32 = {n};
    for byte in data {{
        acc = acc.rotate_left(5) ^ u32::from(*byte);
    }}
    acc
}}
'''),
    ((), '''/// Parses `key=value` pairs separated by `;`; blank pairs are skipped.
pub fn {f}(text: &str) -> Vec<(String, String)> {{
    text.split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .filter(|(k, _)| !k.is_empty())
        .collect()
}}
'''),
    ((), '''/// Delay before retry number `attempt`: doubles from {n} ms, capped at thirty seconds.
pub fn {f}(attempt: u32) -> std::time::Duration {{
    let millis = ({n}u64).saturating_mul(1u64 << attempt.min(16));
    std::time::Duration::from_millis(millis.min(30_000))
}}
'''),
    ((), '''/// Splits `total` items into `parts` contiguous ranges of nearly equal size.
pub fn {f}(total: usize, parts: usize) -> Vec<std::ops::Range<usize>> {{
    let parts = parts.max(1);
    let base = total / parts;
    let extra = total % parts;
    let mut start = 0;
    (0..parts)
        .map(|i| {{
            let len = base + usize::from(i < extra);
            let range = start..start + len;
            start += len;
            range
        }})
        .collect()
}}
'''),
    ((), '''/// Quotes a name for display, doubling any embedded quote.
pub fn {f}(name: &str) -> String {{
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for ch in name.chars() {{
        if ch == '"' {{
            out.push('"');
        }}
        out.push(ch);
    }}
    out.push('"');
    out
}}
'''),
    (("HashMap",), '''/// Counts how often each word occurs, ignoring case.
pub fn {f}(text: &str) -> HashMap<String, usize> {{
    let mut counts = HashMap::new();
    for word in text.split_whitespace() {{
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }}
    counts
}}
'''),
    ((), '''/// Percentile `p` (0..=100) of `samples`, or `None` when there are none.
pub fn {f}(samples: &[u64], p: u8) -> Option<u64> {{
    if samples.is_empty() {{
        return None;
    }}
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let rank = (usize::from(p.min(100)) * (sorted.len() - 1)) / 100;
    Some(sorted[rank])
}}
'''),
    ((), '''/// Formats a byte count with a binary unit (`{n}` bytes is `{n} B`).
pub fn {f}(bytes: u64) -> String {{
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {{
        value /= 1024.0;
        unit += 1;
    }}
    if unit == 0 {{ format!("{{bytes}} B") }} else {{ format!("{{value:.1}} {{}}", UNITS[unit]) }}
}}
'''),
    ((), '''/// Removes repeated neighbours from `items`, keeping the first of each run.
pub fn {f}(items: &[i64]) -> Vec<i64> {{
    let mut out: Vec<i64> = Vec::with_capacity(items.len());
    for item in items {{
        if out.last() != Some(item) {{
            out.push(*item);
        }}
    }}
    out
}}
'''),
]

_RUST_STRUCTS = [
    (("VecDeque",), '''/// A bounded window of the most recent samples.
#[derive(Debug, Clone, Default)]
pub struct {T} {{
    samples: VecDeque<u64>,
    capacity: usize,
}}

impl {T} {{
    pub fn new(capacity: usize) -> Self {{
        Self {{ samples: VecDeque::with_capacity(capacity), capacity: capacity.max(1) }}
    }}

    pub fn {m1}(&mut self, sample: u64) {{
        if self.samples.len() == self.capacity {{
            self.samples.pop_front();
        }}
        self.samples.push_back(sample);
    }}

    pub fn {m2}(&self) -> f64 {{
        if self.samples.is_empty() {{
            return 0.0;
        }}
        self.samples.iter().sum::<u64>() as f64 / self.samples.len() as f64
    }}
}}
'''),
    ((), '''/// Running totals for one {noun}.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct {T} {{
    pub label: String,
    pub total: u64,
    pub events: u64,
}}

impl {T} {{
    pub fn new(label: &str) -> Self {{
        Self {{ label: label.to_string(), ..Self::default() }}
    }}

    pub fn {m1}(&mut self, amount: u64) {{
        self.total = self.total.saturating_add(amount);
        self.events += 1;
    }}

    pub fn {m2}(&self) -> f64 {{
        if self.events == 0 {{ 0.0 }} else {{ self.total as f64 / self.events as f64 }}
    }}
}}
'''),
    (("fmt",), '''/// How a {noun} is {verb}ed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum {T} {{
    Plain,
    Packed,
    Skipped,
}}

impl {T} {{
    pub fn {m1}(text: &str) -> Option<Self> {{
        match text {{
            "plain" => Some(Self::Plain),
            "packed" => Some(Self::Packed),
            "skipped" => Some(Self::Skipped),
            _ => None,
        }}
    }}

    pub fn {m2}(self) -> bool {{
        !matches!(self, Self::Skipped)
    }}
}}

impl fmt::Display for {T} {{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{
        let text = match self {{
            Self::Plain => "plain",
            Self::Packed => "packed",
            Self::Skipped => "skipped",
        }};
        f.write_str(text)
    }}
}}
'''),
    (("HashMap",), '''/// A small memo of {noun} lookups with a hit counter.
#[derive(Debug, Default)]
pub struct {T} {{
    entries: HashMap<String, String>,
    hits: u64,
}}

impl {T} {{
    pub fn {m1}(&mut self, key: &str, make: impl FnOnce() -> String) -> &str {{
        if self.entries.contains_key(key) {{
            self.hits += 1;
        }} else {{
            self.entries.insert(key.to_string(), make());
        }}
        self.entries.get(key).map(String::as_str).unwrap_or_default()
    }}

    pub fn {m2}(&self) -> u64 {{
        self.hits
    }}
}}
'''),
]

_IMPORTS = {"HashMap": "use std::collections::HashMap;", "VecDeque": "use std::collections::VecDeque;",
            "fmt": "use std::fmt;"}


def rust_module(rng: random.Random, title: str) -> tuple[str, list[str]]:
    """A std-only Rust module and the public function names it defines (for tests)."""
    names = Names(rng)
    parts: list[str] = []
    needs: set[str] = set()
    fns: list[str] = []
    for need, tpl in rng.sample(_RUST_STRUCTS, rng.randint(0, 2)):
        needs.update(need)
        parts.append(tpl.format(T=names.pascal(), m1=names.snake(), m2=names.snake(), noun=rng.choice(NOUNS),
                                verb=rng.choice(VERBS)))
    for need, tpl in rng.sample(_RUST_FNS, rng.randint(2, 5)):
        needs.update(need)
        f = names.snake()
        fns.append(f)
        parts.append(tpl.format(f=f, n=rng.randint(2, 977)))
    head = [f"//! {title}: {sentence(rng)}", "//!", f"//! {sentence(rng)}", ""]
    head += sorted(_IMPORTS[n] for n in needs)
    if needs:
        head.append("")
    body = "\n".join(parts)
    tests = ""
    if fns and rng.random() < 0.6:
        f = fns[0]
        tests = f'''
#[cfg(test)]
mod tests {{
    use super::*;

    #[test]
    fn {f}_is_deterministic() {{
        assert_eq!(format!("{{:?}}", {f}_sample()), format!("{{:?}}", {f}_sample()));
    }}

    fn {f}_sample() -> impl std::fmt::Debug {{
        {_call(f, parts)}
    }}
}}
'''
    return "\n".join(head) + "\n" + body + tests, fns


def _call(f: str, parts: list[str]) -> str:
    """A call of ``f`` with arguments of the right types (read back from its signature)."""
    for part in parts:
        marker = f"pub fn {f}("
        if marker in part:
            sig = part[part.index(marker) + len(marker):].split(")")[0]
            args = []
            for param in filter(None, (p.strip() for p in sig.split(","))):
                ty = param.split(":", 1)[1].strip()
                args.append({"&[u8]": 'b"sample"', "&str": '"a=1; b=2"', "u32": "3", "usize": "7", "u64": "4096",
                             "&[u64]": "&[5, 1, 9]", "u8": "50", "&[i64]": "&[1, 1, 2]"}.get(ty, "Default::default()"))
            return f"{f}({', '.join(args)})"
    return "()"


def rust_integration_test(rng: random.Random) -> str:
    names = Names(rng)
    cases = []
    for _ in range(rng.randint(2, 5)):
        a, b = rng.randint(1, 999), rng.randint(1, 999)
        cases.append(f'''#[test]
fn {names.snake()}() {{
    let left: Vec<u32> = ({a}..{a} + {b % 17 + 3}).collect();
    let total: u32 = left.iter().sum();
    assert_eq!(total, left.iter().copied().fold(0, |acc, x| acc + x));
    assert!(left.windows(2).all(|w| w[0] < w[1]));
}}
''')
    return f"//! {sentence(rng)}\n\n" + "\n".join(cases)


def rust_example(rng: random.Random) -> str:
    noun = rng.choice(NOUNS)
    return f'''//! Example: {sentence(rng)}

fn main() {{
    let items = ["{noun}", "{rng.choice(NOUNS)}", "{rng.choice(NOUNS)}"];
    for (i, item) in items.iter().enumerate() {{
        println!("{{i}}: {{item}} ({{}} bytes)", item.len());
    }}
}}
'''


# ------------------------------------------------------------------ Python

_PY_FNS = [
    '''def {f}(text, sep=";"):
    """Parse ``key=value`` pairs separated by ``sep``; blank keys are dropped."""
    pairs = []
    for chunk in text.split(sep):
        key, eq, rest = chunk.partition("=")
        if eq and key.strip():
            pairs.append((key.strip(), rest.strip()))
    return pairs
''',
    '''def {f}(attempt, base_ms={n}, cap_ms=30000):
    """Delay in seconds before retry ``attempt``, doubling from ``base_ms``."""
    return min(cap_ms, base_ms * (2 ** min(attempt, 16))) / 1000.0
''',
    '''def {f}(items, size):
    """Yield lists of at most ``size`` items."""
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
''',
    '''def {f}(samples, p):
    """The ``p``-th percentile of ``samples`` (nearest rank), or None."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = (min(max(p, 0), 100) * (len(ordered) - 1)) // 100
    return ordered[rank]
''',
    '''def {f}(num_bytes):
    """A byte count with a binary unit."""
    units = ["B", "KiB", "MiB", "GiB", "TiB"]
    amount = float(num_bytes)
    unit = 0
    while amount >= 1024 and unit + 1 < len(units):
        amount /= 1024
        unit += 1
    return f"{{int(amount)}} B" if unit == 0 else f"{{amount:.1f}} {{units[unit]}}"
''',
    '''def {f}(data, seed={n}):
    """A rolling checksum of ``data`` (bytes)."""
    acc = seed & 0xFFFFFFFF
    for byte in data:
        acc = (((acc << 5) | (acc >> 27)) & 0xFFFFFFFF) ^ byte
    return acc
''',
    '''def {f}(words):
    """How often each word occurs, ignoring case."""
    counts = {{}}
    for word in words:
        key = word.lower()
        counts[key] = counts.get(key, 0) + 1
    return counts
''',
    '''def {f}(name):
    """Quote ``name`` for display, doubling embedded quotes."""
    return '"' + name.replace('"', '""') + '"'
''',
]

_PY_CLASSES = [
    '''class {T}:
    """Running totals for one {noun}."""

    def __init__(self, label):
        self.label = label
        self.total = 0
        self.events = 0

    def {m1}(self, amount):
        self.total += amount
        self.events += 1

    def {m2}(self):
        return self.total / self.events if self.events else 0.0
''',
    '''class {T}:
    """A bounded window of recent samples."""

    def __init__(self, capacity={n}):
        self.capacity = max(1, capacity)
        self.samples = []

    def {m1}(self, sample):
        self.samples.append(sample)
        if len(self.samples) > self.capacity:
            del self.samples[0]

    def {m2}(self):
        return sum(self.samples) / len(self.samples) if self.samples else 0.0
''',
]


def python_module(rng: random.Random, title: str) -> tuple[str, list[str]]:
    names = Names(rng)
    parts: list[str] = []
    fns: list[str] = []
    for tpl in rng.sample(_PY_CLASSES, rng.randint(0, 1)):
        parts.append(tpl.format(T=names.pascal(), m1=names.snake(), m2=names.snake(), noun=rng.choice(NOUNS),
                                n=rng.randint(4, 64)))
    for tpl in rng.sample(_PY_FNS, rng.randint(2, 5)):
        f = names.snake()
        fns.append(f)
        parts.append(tpl.format(f=f, n=rng.randint(2, 977)))
    head = f'"""{title}: {sentence(rng)}\n\n{paragraph(rng, 2)}\n"""\n\n'
    return head + "\n\n".join(parts), fns


def python_test(rng: random.Random, module: str, fns: list[str]) -> str:
    names = Names(rng)
    lines = [f'"""Tests for {module}."""', "", f"import {module}", ""]
    for f in fns[:3]:
        lines += ["", f"def test_{names.snake()}():", f"    assert callable({module}.{f})", ""]
    return "\n".join(lines)


# ------------------------------------------------------------------ prose, data, config


def markdown(rng: random.Random, title: str) -> str:
    out = [f"# {title}", "", paragraph(rng), ""]
    for _ in range(rng.randint(1, 4)):
        out += [f"## {rng.choice(ADJECTIVES).title()} {rng.choice(NOUNS)}", "", paragraph(rng), ""]
        if rng.random() < 0.5:
            out += [f"- {sentence(rng)}" for _ in range(rng.randint(2, 5))] + [""]
        if rng.random() < 0.3:
            out += ["```sh", f"make {rng.choice(VERBS)} {rng.choice(NOUNS).upper()}={rng.randint(1, 99)}", "```", ""]
    return "\n".join(out)


def changelog(rng: random.Random, name: str) -> str:
    out = [f"# Changelog of {name}", ""]
    major, minor = 0, rng.randint(1, 9)
    for _ in range(rng.randint(3, 8)):
        out += [f"## {major}.{minor}.{rng.randint(0, 9)}", ""]
        out += [f"- {sentence(rng)}" for _ in range(rng.randint(1, 4))] + [""]
        minor -= 1
        if minor < 0:
            break
    return "\n".join(out)


def json_fixture(rng: random.Random) -> str:
    rows = []
    for i in range(rng.randint(3, 25)):
        rows.append({"id": i + 1, "name": f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}",
                     "amount": round(rng.uniform(0, 1000), 2), "active": rng.random() < 0.7,
                     "tags": rng.sample(NOUNS, rng.randint(0, 3))})
    return json.dumps({"rows": rows}, indent=2) + "\n"


def toml_config(rng: random.Random) -> str:
    out = [f"# {sentence(rng)}", ""]
    for _ in range(rng.randint(1, 3)):
        out.append(f"[{rng.choice(NOUNS)}]")
        for _ in range(rng.randint(2, 5)):
            key = f"{rng.choice(NOUNS)}_{rng.choice(['limit', 'size', 'name', 'enabled', 'path'])}"
            value = rng.choice([str(rng.randint(1, 5000)), "true", "false", f'"{rng.choice(NOUNS)}"'])
            out.append(f"{key} = {value}")
        out.append("")
    return "\n".join(out)


def ci_workflow(rng: random.Random, language: str) -> str:
    steps = {"rust": ["cargo fmt --check", "cargo clippy --all-targets", "cargo test"],
             "python": ["python -m pip install -r requirements-dev.txt", "python -m pytest -q"],
             "wit": ["wasm-tools component wit wit/"]}[language]
    out = ["name: ci", "on: [push, pull_request]", "jobs:", "  check:", "    runs-on: ubuntu-latest", "    steps:",
           "      - uses: actions/checkout@v4"]
    out += [f"      - run: {s}" for s in steps]
    return "\n".join(out) + "\n"


def wit_package(rng: random.Random, namespace: str) -> str:
    """A self-contained WIT package with nothing of the Rapidbyte protocol in it."""
    names = Names(rng)
    kebab = lambda: names.snake().replace("_", "-")  # noqa: E731
    iface = names.noun()
    rec = kebab()
    out = [f"/// {sentence(rng)}", f"package {namespace}:{names.noun()}@0.{rng.randint(1, 9)}.{rng.randint(0, 9)};", "",
           f"interface {iface} {{", f"    /// {sentence(rng)}", f"    record {rec} {{"]
    out += [f"        {names.noun()}: {rng.choice(['u32', 'u64', 'string', 'bool', 'list<u8>', 'option<string>'])},"
            for _ in range(rng.randint(2, 5))]
    out += ["    }", ""]
    for _ in range(rng.randint(1, 4)):
        out.append(f"    {kebab()}: func(input: {rec}) -> result<u64, string>;")
    out += ["}", "", f"world {names.noun()}-world {{", f"    export {iface};", "}", ""]
    return "\n".join(out)
