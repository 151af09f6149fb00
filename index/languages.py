"""Programming languages a posting asks for, read from its text with a curated vocabulary.

Postings never label their languages, and naive substring search is wrong for most of them
("Java" in "JavaScript", "Go" in "go-to-market", "C" in "Series C", "R" in "R&D"). So each name
is either *strong* (its spelling is unambiguous: "TypeScript", "C++", "Golang", ".NET") or *weak*
(an ordinary word or letter too: Go, C, R, SQL, Swift, Julia, Dart, Zig, Bash, Shell, Solidity,
Groovy). A weak mention counts only in a technical context:

- a cue word right before it ("in Go", "experience with R", "knowledge of SQL", "embedded C") or
  right after it ("Go services", "C programming", "SQL skills", "Swift developer"); or
- a list with a language or a well-known tool: "Go, Rust", "C/C++", "Python or R",
  "Docker, Go (Golang)" — the separator must be punctuation or and/or, never bare whitespace,
  so adjacent bullet items don't chain.

Decisions worth knowing:
- SQL is the query language: "SQL" as a word in a skill context, plus T-SQL and PL/SQL. "SQL" used as
  a modifier ("a SQL database", "SQL query planner") does not count; NoSQL never does; database
  products (PostgreSQL, MySQL, SQL Server alone) imply nothing, as frameworks imply no language.
- Shell covers Bash, Zsh and "shell scripting"; PowerShell is its own language.
- Case matters where English does: "Rust"/"Ruby"/"Swift"/"Go" are capitalised; "rust", "swift",
  "go" are words. ".net" in lower case is a domain, so only ".NET"/".Net"/"ASP.NET"/"dotnet" count.
"""

from __future__ import annotations

import re

# canonical name -> strong patterns (unambiguous spellings)
_STRONG: dict[str, str] = {
    ".NET": r"(?<![\w.])(?:(?i:asp|ado|vb)\s?\.(?i:net)|\.N(?:ET|et)|(?i:dot\s?net))(?:\s?Core)?(?!\w)",
    "C#": r"(?<![\w#+])(?:[Cc]#|(?i:c\s?sharp))(?![\w#])",
    "C++": r"(?<![\w#+.])(?:[Cc]\+\+(?:\d\d)?|CPP|[Cc]pp)(?![\w+#])",
    "Clojure": r"\b(?i:clojure(?:script)?)\b",
    "COBOL": r"\b(?i:cobol)\b",
    "Elixir": r"\bElixir\b",
    "Erlang": r"\b(?i:erlang)\b",
    "F#": r"(?<![\w#])F#(?![\w#])",
    "Fortran": r"\b(?i:fortran)\b",
    "Go": r"\b(?i:go\s?lang)\b",
    "Haskell": r"\bHaskell\b",
    "Java": r"(?<![\w.])(?i:java)(?!\s?(?i:script))(?!\w)",
    "JavaScript": r"\b(?i:java\s?script)\b",
    "Kotlin": r"\b(?i:kotlin)\b",
    "Lua": r"\b(?:Lua|LUA)\b",
    "MATLAB": r"\b(?i:matlab)\b",
    "Objective-C": r"(?<![\w-])(?i:objective[-\s]?c|obj-?c)(?![\w+#])",
    "OCaml": r"\b(?i:ocaml)\b",
    "Perl": r"\b(?:Perl|PERL)\b",
    "PHP": r"\b(?i:php)\d?\b",
    "PowerShell": r"\b(?i:power\s?shell)\b",
    "Python": r"\b(?i:python)[23]?\b",
    "Ruby": r"\b(?:Ruby|RUBY)\b",
    "Rust": r"\b(?:Rust|RUST)\b(?!\s+Belt)",
    "Scala": r"\b(?i:scala)\b",
    "Shell": r"\b(?i:(?:shell|bash|zsh)\s+script(?:s|ing)?|zsh)\b",
    "SQL": r"(?<![\w/-])(?i:t-?sql|pl/?sql)\b",
    "TypeScript": r"\b(?i:type\s?script)\b",
}

# weak words: canonical name -> (pattern, cues allowed); the context rules below decide
_WEAK_BOUNDARY_BEFORE = r"(?<![\w.&@#+\-'’])"
_WEAK_BOUNDARY_AFTER = r"(?![\w#+]|-(?!based\b|native\b)|\.\w|\s?&)"
_WEAK: dict[str, tuple[str, bool]] = {
    "C": (r"C", True),
    "Dart": (r"Dart", True),
    "Go": (r"(?:Go|GO)(?!\s+(?i:to|live|beyond|getter|ahead|forward|further|deeper|above|back|out|big)\b)", True),
    "Groovy": (r"Groovy", False),
    "Julia": (r"Julia", False),
    "R": (r"R", True),
    "Shell": (r"(?:(?i:bash)|Shell)", True),
    "Solidity": (r"Solidity", True),
    "SQL": (r"(?<!(?i:no)\s)(?i:sql)", True),
    "Swift": (r"Swift(?<!Taylor\sSwift)", True),
    "Zig": (r"Zig", True),
}

# tools that are not languages but mark a technical list ("Docker, Go", "Tableau, R", "iOS (Swift)")
_ANCHOR = re.compile(
    r"(?<![\w.])(?:HTML5?|CSS3?|Node(?:\.?js|JS)?|React(?:\.js| Native)?|Angular|Vue(?:\.js)?|Next\.js|"
    r"Django|Flask|FastAPI|Rails|Spring(?: Boot)?|Kubernetes|K8s|Docker|Terraform|Ansible|Helm|AWS|GCP|"
    r"Azure|Linux|Unix|Kafka|Redis|Postgres(?:QL)?|MySQL|MongoDB|NoSQL|SQLite|Oracle|Snowflake|BigQuery|"
    r"dbt|Spark|PySpark|Hadoop|Airflow|Databricks|TensorFlow|PyTorch|Jupyter|pandas|NumPy|Tableau|Looker|"
    r"Power BI|SAS|SPSS|Stata|Excel|gRPC|GraphQL|REST|Protobuf|WebAssembly|Wasm|CUDA|LLVM|Bazel|Git|"
    r"iOS|Android|macOS|Windows|SwiftUI|UIKit|Xcode|Flutter|Unity|Unreal|Jenkins|ClickHouse|Elasticsearch|"
    r"Prometheus|Grafana|Ethereum|EVM|Lisp|Ada|Assembly|Verilog|VHDL|Shiny|Tidyverse|ggplot2?)(?!\w)"
)
_CUE_BEFORE = re.compile(
    r"(?i)\b(?:in|with|using|use|uses|of|writing|write|writes|written|learn|learning|know|knows|"
    r"strong|solid|advanced|idiomatic|embedded|modern)[^\S\n]+$"
)
_CUE_AFTER = re.compile(
    r"(?i)^[^\S\n]+(?:programming|programmer|programmers|developer|developers|development|engineer|"
    r"engineers|engineering|code|codebase|codebases|coding|services?|microservices|backend|back-end|"
    r"applications?|apps|librar(?:y|ies)|packages?|sdks?|skills?|experience|expertise|knowledge|"
    r"proficiency|language|scripting|scripts?|modules?|ecosystem|toolchain|server)\b|^[^\S\n]+\d+\.\d"
)
# a list separator: punctuation and/or conjunctions, at least one of them, on one line
_LIST_GAP = re.compile(
    r"[^\S\n]*(?:[,/|&+;({\[\"“”'‘]|\)(?=[^\S\n]*[,/|&;]))[^\S\n(\[\"“”'‘]*"
    r"(?:(?:and/or|and|or|nor|as well as|plus)[^\S\n]+)?[(\"“”'‘]*|[^\S\n]+(?:and/or|and|or|nor)[^\S\n]+",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_MARKDOWN_ESCAPE = re.compile(r"\\([-.+#*_()\[\]!])")

_STRONG_RES = {name: re.compile(pattern) for name, pattern in _STRONG.items()}
_WEAK_RES = {
    name: (re.compile(_WEAK_BOUNDARY_BEFORE + pattern + _WEAK_BOUNDARY_AFTER), cues)
    for name, (pattern, cues) in _WEAK.items()
}

KNOWN_LANGUAGES: tuple[str, ...] = tuple(sorted(set(_STRONG) | set(_WEAK)))

_ALIASES: dict[str, str] = {
    "golang": "Go", "go lang": "Go", "cpp": "C++", "cplusplus": "C++", "c plus plus": "C++",
    "csharp": "C#", "c sharp": "C#", "fsharp": "F#", "f sharp": "F#", "js": "JavaScript",
    "ecmascript": "JavaScript", "ts": "TypeScript", "dotnet": ".NET", "dot net": ".NET", "net": ".NET",
    "asp.net": ".NET", "py": "Python", "python3": "Python", "rb": "Ruby", "objc": "Objective-C",
    "obj-c": "Objective-C", "objective c": "Objective-C", "objectivec": "Objective-C", "bash": "Shell",
    "sh": "Shell", "zsh": "Shell", "shell scripting": "Shell", "pwsh": "PowerShell", "tsql": "SQL",
    "t-sql": "SQL", "plsql": "SQL", "pl/sql": "SQL", "rlang": "R", "r-lang": "R", "rust-lang": "Rust",
}
_BY_KEY: dict[str, str] = {name.casefold(): name for name in KNOWN_LANGUAGES} | _ALIASES


def canonical_language(name: str) -> str | None:
    """The canonical name for a user's filter value ("golang" -> "Go"), or None if unknown."""
    return _BY_KEY.get(" ".join(name.split()).casefold())


def detect_languages(text: str) -> tuple[str, ...]:
    """Canonical names of the programming languages `text` mentions, sorted."""
    text = _clean(text)
    found = {name for name, pattern in _STRONG_RES.items() if pattern.search(text)}
    # (start, end, language or None for an anchor, needs context)
    mentions: list[tuple[int, int, str | None, bool]] = []
    for name, pattern in _STRONG_RES.items():
        mentions += [(m.start(), m.end(), name, False) for m in pattern.finditer(text)]
    mentions += [(m.start(), m.end(), None, False) for m in _ANCHOR.finditer(text)]
    cued: set[int] = set()
    for name, (pattern, cues) in _WEAK_RES.items():
        if name in found and name != "Shell":
            continue
        for m in pattern.finditer(text):
            mentions.append((m.start(), m.end(), name, True))
            if cues and (_CUE_BEFORE.search(text, 0, m.start()) or _CUE_AFTER.match(text[m.end() : m.end() + 40])):
                cued.add(m.start())
    mentions = _drop_overlaps(mentions)
    settled = [not weak or start in cued for start, _, _, weak in mentions]
    changed = True
    while changed:  # context spreads along a list: "Go, C, C++" settles Go through C
        changed = False
        for i, (start, end, _, _) in enumerate(mentions):
            if settled[i]:
                continue
            left = i > 0 and settled[i - 1] and _is_list_gap(text, mentions[i - 1][1], start)
            right = i + 1 < len(mentions) and settled[i + 1] and _is_list_gap(text, end, mentions[i + 1][0])
            if left or right:
                settled[i] = changed = True
    found |= {lang for (_, _, lang, _), ok in zip(mentions, settled, strict=True) if ok and lang}
    return tuple(sorted(found))


def _clean(text: str) -> str:
    """Undo Markdown escapes and emphasis, drop URLs: "C\\+\\+", "**Go**" and "golang.org" mislead."""
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    text = _URL.sub(" ", text)
    return re.sub(r"[*_`]", " ", text)


def _drop_overlaps(
    mentions: list[tuple[int, int, str | None, bool]],
) -> list[tuple[int, int, str | None, bool]]:
    """Keep the longest of overlapping mentions, in text order ("Go (Golang)" keeps both)."""
    kept: list[tuple[int, int, str | None, bool]] = []
    for mention in sorted(mentions, key=lambda m: (m[0], -m[1])):
        if not kept or mention[0] >= kept[-1][1]:
            kept.append(mention)
    return kept


def _is_list_gap(text: str, start: int, end: int) -> bool:
    return end - start <= 16 and _LIST_GAP.fullmatch(text, start, end) is not None
