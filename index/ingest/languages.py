"""Programming languages a posting asks for, read from its text with a curated vocabulary.

Postings never label their languages, and naive substring search is wrong for most of them
("Java" in "JavaScript", "Go" in "go-to-market", "C" in "Series C", "R" in "R&D"). So each name
is either *strong* (its spelling is unambiguous: "TypeScript", "C++", "Golang", ".NET") or *weak*
(an ordinary word or letter too: Go, C, R, SQL, Swift, Julia, Dart, Zig, Bash, Solidity, Groovy).
A weak mention counts only in a technical context:

- a cue word right before it ("in Go", "experience with R", "knowledge of SQL", "embedded C") or
  right after it ("Go services", "C programming", "SQL skills", "Swift developer"); or
- a list with a language or a well-known tool: "Go, Rust", "C/C++", "Python or R",
  "Docker, Go (Golang)" — the separator must be punctuation or and/or, never bare whitespace,
  so adjacent bullet items don't chain; or
- the same language named unambiguously elsewhere in the text ("Golang" makes every "Go" count,
  which matters only for the lists that "Go" then anchors).

Decisions worth knowing:
- SQL is the query language: "SQL" as a word in a skill context, plus T-SQL and PL/SQL. "SQL"
  as a modifier ("a SQL database", "SQL query planner") does not count, but "SQL queries" does;
  NoSQL never counts; database products (PostgreSQL, MySQL) imply nothing, as frameworks imply
  no language.
- Shell covers Bash, Zsh and "shell scripting"; PowerShell is its own language.
- Case matters where English does: "Rust"/"Ruby"/"Swift"/"Go" are capitalised; "rust", "swift",
  "go" are words. ".net" in lower case is a domain, so only ".NET"/".Net"/"ASP.NET"/"dotnet" count.
"""

from __future__ import annotations

import re

# canonical name -> strong patterns (unambiguous spellings)
_STRONG: dict[str, str] = {
    ".NET": r"(?<![\w.])(?:(?i:asp|ado|vb)\s?\.(?i:net)|\.N(?:ET|et)|(?i:dot\s?net))"
    r"(?:\s?Core)?(?!\w)",
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
_WEAK_BOUNDARY_AFTER = (
    r"(?![\w#+]|-(?!based\b|native\b)|\.\w|&\w|\s&\s?D\b)"  # not C-suite, R&D, R &D
)
_WEAK: dict[str, tuple[str, bool]] = {
    "C": (r"C", True),
    "Dart": (r"Dart", True),
    "Go": (
        r"(?:Go|GO)(?!\s+(?i:to|live|beyond|getter|ahead|forward|further|deeper|above|back|out|big)\b)",
        True,
    ),
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
_TOOLS_ANY_CASE = (
    r"html5? css3? node(?:\.?js)? react(?:\.js|\snative)? angular vue(?:\.js)? next\.js django"
    r" flask fastapi kubernetes k8s docker terraform ansible aws gcp azure linux kafka redis"
    r" postgres(?:ql)? mysql mongodb nosql sqlite snowflake bigquery dbt pyspark hadoop airflow"
    r" databricks tensorflow pytorch jupyter pandas numpy tableau power\s?bi spss stata grpc"
    r" graphql protobuf webassembly wasm cuda llvm bazel ios android macos swiftui uikit xcode"
    r" flutter jenkins clickhouse rdbms elasticsearch prometheus grafana ethereum evm lisp verilog"
    r" vhdl tidyverse ggplot2?"
).split()
_TOOLS_EXACT_CASE = (
    "Rails Spring Helm Oracle Spark SAS Excel REST Git Unix Windows Unity Unreal Ada Shiny"
)
_ANCHOR = re.compile(
    r"(?<![\w.])(?:(?i:"
    + "|".join(_TOOLS_ANY_CASE)
    + ")|"
    + "|".join(_TOOLS_EXACT_CASE.split())
    + r")(?!\w)"
)
_CUE_BEFORE = re.compile(
    r"(?i)\b(?:in|with|using|use|uses|of|writing|write|writes|written|learn|learning|know|knows|"
    r"strong|solid|advanced|idiomatic|embedded|modern|such as|e\.g\.,?|i\.e\.,?)[^\S\n]+$|"
    r"(?i:languages?|backend|back-end|scripting|stack|言語)[^\S\n]*[:：(][^\S\n]*$"
)
_CUE_AFTER = re.compile(
    r"(?i)^[^\S\n]+(?:programming|programmer|programmers|developer|developers|development|engineer|"
    r"engineers|engineering|code|codebase|codebases|coding|services?|microservices|backend|back-end|"
    r"applications?|apps|librar(?:y|ies)|packages?|sdks?|skills?|experience|expertise|knowledge|"
    r"proficiency|language|scripting|scripts?|modules?|ecosystem|toolchain|server|projects?|queries|"
    r"statements|procedures)\b|^[^\S\n]+\d+\.\d"
)
# a list separator: punctuation and/or conjunctions on one line; bare whitespace is not enough
_LIST_WORDS = r"(?<!\w)(?i:and/or|and|or|nor|plus|as well as|e\.g\.|i\.e\.)(?!\w)"
_LIST_GAP = re.compile(r"(?:[^\S\n]|[,/|&+;(){}\[\]\"“”'‘’]|" + _LIST_WORDS + ")+")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_WEB_ADDRESS = re.compile(r"(?:https?://|www\.)\S+")  # _URL where the text has no "@"
_MARKDOWN_ESCAPE = re.compile(r"\\([-.+#*_()\[\]!])")

# a pattern runs only when one of its hints is in the lowercased text: 6x faster on real postings
_HINTS = {".NET": "net", "C#": "# sharp", "C++": "++ cpp", "Objective-C": "obj", "R": "r"}
_HINTS |= {"JavaScript": "script", "TypeScript": "script", "PowerShell": "shell"}
_HINTS |= {"Shell": "bash shell zsh"}  # every other name hints itself: "Go" needs "go"
_STRONG_RES = {name: re.compile(pattern) for name, pattern in _STRONG.items()}
_WEAK_RES = {
    name: (re.compile(_WEAK_BOUNDARY_BEFORE + pattern + _WEAK_BOUNDARY_AFTER), cues)
    for name, (pattern, cues) in _WEAK.items()
}

_Mention = tuple[int, int, str | None, bool]  # start, end, language (None: a tool), is weak

KNOWN_LANGUAGES: tuple[str, ...] = tuple(sorted(set(_STRONG) | set(_WEAK)))

# canonical name: other names a user may filter by
_ALIAS_TABLE = """
.NET: dotnet, dot net, net, asp.net
C#: csharp, c sharp
C++: cpp, cplusplus, c plus plus
F#: fsharp, f sharp
Go: golang, go lang
JavaScript: js, ecmascript
Objective-C: objc, obj-c, objective c, objectivec
PowerShell: pwsh
Python: py, python3
R: rlang, r-lang
Ruby: rb
Rust: rust-lang
Shell: bash, sh, zsh, shell scripting
SQL: tsql, t-sql, plsql, pl/sql
TypeScript: ts
"""
_ALIASES = {
    alias: name
    for name, aliases in (line.split(": ") for line in _ALIAS_TABLE.strip().splitlines())
    for alias in aliases.split(", ")
}
_BY_KEY: dict[str, str] = {name.casefold(): name for name in KNOWN_LANGUAGES} | _ALIASES


LANGUAGE_KEYS = frozenset(_BY_KEY)  # every name and alias, casefolded ("go", "golang")


def canonical_language(name: str) -> str | None:
    """The canonical name for a user's filter value ("golang" -> "Go"), or None if unknown."""
    return _BY_KEY.get(" ".join(name.split()).casefold())


def detect_languages(text: str) -> tuple[str, ...]:
    """Canonical names of the programming languages `text` mentions, sorted."""
    text = _clean(text)
    lowered = text.lower()
    mentions: list[_Mention] = []
    for name, pattern in _STRONG_RES.items():
        if _hinted(name, lowered):
            mentions += [(m.start(), m.end(), name, False) for m in pattern.finditer(text)]
    strong = {lang for _, _, lang, _ in mentions}
    mentions += [(m.start(), m.end(), None, False) for m in _ANCHOR.finditer(text)]
    cued: set[int] = set()
    for name, (pattern, cues) in _WEAK_RES.items():
        if not _hinted(name, lowered):
            continue
        for m in pattern.finditer(text):
            mentions.append((m.start(), m.end(), name, True))
            if name in strong or (cues and _has_cue(text, m.start(), m.end())):
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
            right = (
                i + 1 < len(mentions)
                and settled[i + 1]
                and _is_list_gap(text, end, mentions[i + 1][0])
            )
            if left or right:
                settled[i] = changed = True
    found = {lang for lang in strong if lang} | {
        lang for (_, _, lang, _), ok in zip(mentions, settled, strict=True) if ok and lang
    }
    return tuple(sorted(found))


def _clean(text: str) -> str:
    """Undo Markdown escapes and emphasis, drop URLs: "C\\+\\+", "**Go**", "golang.org" mislead."""
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    text = (_URL if "@" in text else _WEB_ADDRESS).sub(" ", text)  # the e-mail part is slow
    return re.sub(r"[*_`]", " ", text)


def _hinted(name: str, lowered: str) -> bool:
    return any(hint in lowered for hint in _HINTS.get(name, name.lower()).split())


def _drop_overlaps(mentions: list[_Mention]) -> list[_Mention]:
    """Keep the longest of overlapping mentions, in text order ("Go (Golang)" keeps both)."""
    kept: list[_Mention] = []
    for mention in sorted(mentions, key=lambda m: (m[0], -m[1])):
        if not kept or mention[0] >= kept[-1][1]:
            kept.append(mention)
    return kept


def _has_cue(text: str, start: int, end: int) -> bool:
    before = _CUE_BEFORE.search(text[max(0, start - 30) : start])
    return before is not None or _CUE_AFTER.match(text[end : end + 40]) is not None


def _is_list_gap(text: str, start: int, end: int) -> bool:
    gap = text[start:end]
    return len(gap) <= 16 and not gap.isspace() and _LIST_GAP.fullmatch(gap) is not None
